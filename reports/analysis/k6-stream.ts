import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

/** One metric sample of k6's JSON output. */
export interface K6Point {
  metric: string;
  timeMs: number;
  value: number;
  tags: Record<string, string>;
}

const wanted = new Set(["http_req_duration", "http_req_failed", "dropped_iterations", "iterations"]);

/** Streams k6's JSON output (plain or gzipped) one point at a time; memory does not grow with the file. */
export async function* readK6Points(file: string): AsyncGenerator<K6Point> {
  const raw = createReadStream(file);
  const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    // Cheap pre-filter before JSON.parse: most lines are points of metrics we do not use.
    if (!line.startsWith('{"metric":"') && !line.includes('"type":"Point"')) continue;
    const m = /"metric":"([a-z_]+)"/.exec(line);
    if (!m?.[1] || !wanted.has(m[1])) continue;
    let parsed: {
      type?: string;
      metric?: string;
      data?: { time?: string; value?: number; tags?: Record<string, string> };
    };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      continue; // a torn last line of an interrupted run
    }
    if (parsed.type !== "Point" || !parsed.data?.time || typeof parsed.data.value !== "number") continue;
    yield {
      metric: m[1],
      timeMs: Date.parse(parsed.data.time),
      value: parsed.data.value,
      tags: parsed.data.tags ?? {},
    };
  }
}
