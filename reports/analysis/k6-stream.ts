import type { Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import { createGunzip } from "node:zlib";

/**
 * One metric sample of k6's JSON output, with the few tags the analysis splits by. Tags are pulled out one by
 * one instead of building a tag object per sample: a 1 GB results file holds millions of samples.
 */
export interface K6Point {
  metric: string;
  timeMs: number;
  value: number;
  step: string | undefined;
  province: string | undefined;
  status: string | undefined;
  expectedResponse: string | undefined;
  /** On `retry_wait_ms` samples: the Retry-After header the portal sent ("none" when it sent none). */
  retryAfter: string | undefined;
}

/** The metrics the analysis uses; every other line is skipped before it is decoded. */
export const wantedMetrics = [
  "http_req_duration",
  "http_req_failed",
  "dropped_iterations",
  "iterations",
  "retry_wait_ms",
] as const;
const wanted = new Set<string>(wantedMetrics);

const pointHead = '{"metric":"';
const afterName = '","type":"Point","data":{"time":"';
const valueKey = '","value":';
const tagsKey = ',"tags":{';

/**
 * ISO time to epoch ms. k6 writes nanosecond fractions (more than Date.parse promises to read) and one
 * timestamp per sample; the whole-second part is parsed once per distinct second and cached.
 */
export class TimeParser {
  private lastKey = "";
  private lastBase = Number.NaN;

  parse(s: string): number {
    if (s.length < 20) return Date.parse(s);
    const head = s.slice(0, 19);
    let i = 19;
    let frac = 0;
    if (s.charCodeAt(19) === 46 /* . */) {
      i = 20;
      let scale = 100;
      while (i < s.length) {
        const c = s.charCodeAt(i);
        if (c < 48 || c > 57) break;
        frac += (c - 48) * scale;
        scale /= 10;
        i++;
      }
    }
    const zone = s.slice(i);
    const key = head + zone;
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastBase = Date.parse(key);
    }
    return this.lastBase + frac;
  }
}

const tagValue = (line: string, from: number, to: number, name: string): string | undefined => {
  const key = `"${name}":"`;
  const at = line.indexOf(key, from);
  if (at < 0 || at >= to) return undefined;
  const start = at + key.length;
  const end = line.indexOf('"', start);
  return end < 0 ? undefined : line.slice(start, end);
};

/**
 * Parses one line in the shape k6's JSON output writes (`{"metric":…,"type":"Point","data":{"time":…,
 * "value":…,"tags":{…}}}`) without JSON.parse; null when the line is not a wanted point. A line of another
 * shape falls back to JSON.parse.
 */
export const parseK6Line = (line: string, times: TimeParser): K6Point | null => {
  if (!line.startsWith(pointHead)) return line.includes('"type":"Point"') ? parseSlow(line, times) : null;
  const nameEnd = line.indexOf('"', pointHead.length);
  if (nameEnd < 0) return null;
  const metric = line.slice(pointHead.length, nameEnd);
  if (!wanted.has(metric)) return null;
  if (!line.startsWith(afterName, nameEnd)) return parseSlow(line, times);
  const timeStart = nameEnd + afterName.length;
  const timeEnd = line.indexOf('"', timeStart);
  if (timeEnd < 0 || !line.startsWith(valueKey, timeEnd)) return parseSlow(line, times);
  const valueStart = timeEnd + valueKey.length;
  const valueEnd = line.indexOf(",", valueStart);
  if (valueEnd < 0) return parseSlow(line, times);
  const value = Number(line.slice(valueStart, valueEnd));
  if (!Number.isFinite(value)) return null;
  let step: string | undefined;
  let province: string | undefined;
  let status: string | undefined;
  let expectedResponse: string | undefined;
  let retryAfter: string | undefined;
  if (line.startsWith(tagsKey, valueEnd)) {
    const from = valueEnd + tagsKey.length;
    const to = line.length;
    if (metric === "http_req_duration" || metric === "http_req_failed" || metric === "retry_wait_ms") {
      step = tagValue(line, from, to, "step");
      province = tagValue(line, from, to, "province");
      status = tagValue(line, from, to, "status");
      expectedResponse = tagValue(line, from, to, "expected_response");
      if (metric === "retry_wait_ms") retryAfter = tagValue(line, from, to, "retry_after");
    }
  }
  const timeMs = times.parse(line.slice(timeStart, timeEnd));
  if (!Number.isFinite(timeMs)) return null;
  return { metric, timeMs, value, step, province, status, expectedResponse, retryAfter };
};

const nonAscii = /[\u0080-\u00ff]/;

const parseSlow = (latin1Line: string, times: TimeParser): K6Point | null => {
  // Chunks are decoded as latin1; JSON.parse needs the line's real UTF-8 text.
  const line = nonAscii.test(latin1Line) ? Buffer.from(latin1Line, "latin1").toString("utf8") : latin1Line;
  let parsed: {
    type?: string;
    metric?: string;
    data?: { time?: string; value?: number; tags?: Record<string, string> | null };
  };
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    return null; // a torn last line of an interrupted run
  }
  if (parsed.type !== "Point" || !parsed.metric || !wanted.has(parsed.metric)) return null;
  if (!parsed.data?.time || typeof parsed.data.value !== "number") return null;
  const tags = parsed.data.tags ?? {};
  const timeMs = times.parse(parsed.data.time);
  if (!Number.isFinite(timeMs)) return null;
  return {
    metric: parsed.metric,
    timeMs,
    value: parsed.data.value,
    step: tags.step,
    province: tags.province,
    status: tags.status,
    expectedResponse: tags.expected_response,
    retryAfter: tags.retry_after,
  };
};

export interface ScanStats {
  bytes: number;
  lines: number;
  points: number;
}

/**
 * Streams k6's JSON output (plain or gzipped), a batch of wanted points per chunk read. Chunks are decoded as
 * latin1 (a byte per char, no UTF-8 decoding cost); the tags it reads are ASCII, and a line that needs
 * JSON.parse is re-decoded as UTF-8 first. Memory does not grow with the file.
 */
async function* pointBatches(
  file: string,
  stats: ScanStats,
  hash: Hash | undefined,
): AsyncGenerator<K6Point[]> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  // The integrity hash is over the file's bytes as stored (compressed or not).
  const tapped = hash
    ? raw.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            done(null, chunk);
          },
        }),
      )
    : raw;
  const input = file.endsWith(".gz") ? tapped.pipe(createGunzip({ chunkSize: 1 << 20 })) : tapped;
  if (input !== raw) raw.on("error", (e) => input.destroy(e));
  const times = new TimeParser();
  let tail = "";
  let batch: K6Point[] = [];
  const handle = (line: string) => {
    stats.lines++;
    const p = parseK6Line(line, times);
    if (p) {
      stats.points++;
      batch.push(p);
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    stats.bytes += chunk.length;
    const text = tail + chunk.toString("latin1");
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      if (nl > start) handle(text.slice(start, nl));
      start = nl + 1;
    }
    tail = text.slice(start);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  if (tail.length > 0) handle(tail);
  if (batch.length > 0) yield batch;
}

/** Hands every wanted point of a results file to `onPoint`; returns what was read. */
export const scanK6Results = async (
  file: string,
  onPoint: (p: K6Point) => void,
  options: { hash?: Hash } = {},
): Promise<ScanStats> => {
  const stats: ScanStats = { bytes: 0, lines: 0, points: 0 };
  for await (const batch of pointBatches(file, stats, options.hash)) for (const p of batch) onPoint(p);
  return stats;
};

/** The wanted points of a results file, one at a time. */
export async function* readK6Points(file: string): AsyncGenerator<K6Point> {
  const stats: ScanStats = { bytes: 0, lines: 0, points: 0 };
  for await (const batch of pointBatches(file, stats, undefined)) yield* batch;
}
