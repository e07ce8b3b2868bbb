import type { Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import { createGunzip } from "node:zlib";

/**
 * One metric sample of the load engine's results (k6's JSON line format), with the few tags the analysis
 * splits by. Tags are pulled out one by one instead of building a tag object per sample: a 1 GB results file
 * holds millions of samples.
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

/** The metrics the analysis uses; every other line is skipped before anything is sliced out of it. */
export const wantedMetrics = [
  "http_req_duration",
  "http_req_failed",
  "checks",
  "data_sent",
  "data_received",
  "iterations",
  "iteration_start_lag",
  "dropped_iterations",
  "vus",
  "vus_max",
  "retry_wait_ms",
] as const;
const wanted = new Set<string>(wantedMetrics);

/** The wanted metric named by `text[from, to)`, as the shared constant string: no substring per line. */
const wantedAt = (text: string, from: number, to: number): string | undefined => {
  const len = to - from;
  for (const m of wantedMetrics) if (m.length === len && text.startsWith(m, from)) return m;
  return undefined;
};

/** The metrics whose tags the analysis splits by (step, province, status, …). */
const requestMetric = (metric: string): boolean =>
  metric === "http_req_duration" || metric === "http_req_failed" || metric === "retry_wait_ms";

const pointHead = '{"metric":"';
const afterName = '","type":"Point","data":{"time":"';
const valueKey = '","value":';
const tagsKey = ',"tags":{';
const pointType = '"type":"Point"';
const stepKey = '"step":"';
const provinceKey = '"province":"';
const statusKey = '"status":"';
const expectedKey = '"expected_response":"';
const retryAfterKey = '"retry_after":"';

/**
 * ISO time to epoch ms. k6's format has nanosecond fractions (more than Date.parse promises to read) and one
 * timestamp per sample; the whole-second part is parsed once per distinct second and cached, and a time in
 * the cached second and zone is read in place, without making a string.
 */
export class TimeParser {
  private lastHead = "";
  private lastZone = "";
  private lastBase = Number.NaN;

  parse(s: string): number {
    return this.parseAt(s, 0, s.length);
  }

  /** The time written in `text[from, to)`. */
  parseAt(text: string, from: number, to: number): number {
    if (to - from < 20) return Date.parse(text.slice(from, to));
    const fracAt = from + 19;
    let i = fracAt;
    let frac = 0;
    if (text.charCodeAt(fracAt) === 46 /* . */) {
      i++;
      let scale = 100;
      while (i < to) {
        const c = text.charCodeAt(i);
        if (c < 48 || c > 57) break;
        frac += (c - 48) * scale;
        scale /= 10;
        i++;
      }
    }
    const zoneLength = to - i;
    if (
      this.lastHead === "" ||
      zoneLength !== this.lastZone.length ||
      !text.startsWith(this.lastHead, from) ||
      !text.startsWith(this.lastZone, i)
    ) {
      this.lastHead = text.slice(from, fracAt);
      this.lastZone = text.slice(i, to);
      this.lastBase = Date.parse(this.lastHead + this.lastZone);
    }
    return this.lastBase + frac;
  }
}

/** A tag's value in a line's tags text (a slice of one line, so a missing key never scans further). */
const tagValue = (tags: string, key: string): string | undefined => {
  const at = tags.indexOf(key);
  if (at < 0) return undefined;
  const start = at + key.length;
  const end = tags.indexOf('"', start);
  return end < 0 ? undefined : tags.slice(start, end);
};

/**
 * Parses one line in the shape k6's JSON output writes (`{"metric":…,"type":"Point","data":{"time":…,
 * "value":…,"tags":{…}}}`) without JSON.parse; null when the line is not a wanted point. A line of another
 * shape falls back to JSON.parse.
 */
export const parseK6Line = (line: string, times: TimeParser): K6Point | null =>
  parseLineAt(line, 0, line.length, times);

/**
 * The same for the line at `text[start, end)` of a larger chunk. Only a wanted point in the known shape is
 * read, and only in place: its name is matched against the wanted names, the time is read by the
 * TimeParser, single-digit values (counts, rates) without Number(), and tags only on the request metrics.
 */
const parseLineAt = (text: string, start: number, end: number, times: TimeParser): K6Point | null => {
  if (!text.startsWith(pointHead, start)) {
    const type = text.indexOf(pointType, start);
    return type >= 0 && type < end ? parseSlow(text.slice(start, end), times) : null;
  }
  const nameStart = start + pointHead.length;
  const nameEnd = text.indexOf('"', nameStart);
  if (nameEnd < 0 || nameEnd >= end) return null;
  const metric = wantedAt(text, nameStart, nameEnd);
  if (metric === undefined) return null;
  if (!text.startsWith(afterName, nameEnd)) return parseSlow(text.slice(start, end), times);
  const timeStart = nameEnd + afterName.length;
  const timeEnd = text.indexOf('"', timeStart);
  if (timeEnd < 0 || timeEnd >= end || !text.startsWith(valueKey, timeEnd))
    return parseSlow(text.slice(start, end), times);
  const valueStart = timeEnd + valueKey.length;
  const valueEnd = text.indexOf(",", valueStart);
  if (valueEnd < 0 || valueEnd >= end) return parseSlow(text.slice(start, end), times);
  const digit = text.charCodeAt(valueStart) - 48;
  const value =
    valueEnd === valueStart + 1 && digit >= 0 && digit <= 9
      ? digit
      : Number(text.slice(valueStart, valueEnd));
  if (!Number.isFinite(value)) return null;
  let step: string | undefined;
  let province: string | undefined;
  let status: string | undefined;
  let expectedResponse: string | undefined;
  let retryAfter: string | undefined;
  if (requestMetric(metric) && text.startsWith(tagsKey, valueEnd)) {
    const tags = text.slice(valueEnd + tagsKey.length, end);
    step = tagValue(tags, stepKey);
    province = tagValue(tags, provinceKey);
    status = tagValue(tags, statusKey);
    expectedResponse = tagValue(tags, expectedKey);
    if (metric === "retry_wait_ms") retryAfter = tagValue(tags, retryAfterKey);
  }
  const timeMs = times.parseAt(text, timeStart, timeEnd);
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
  const timeMs = times.parse(parsed.data.time);
  if (!Number.isFinite(timeMs)) return null;
  const metric = parsed.metric;
  // Tags as the fast path reads them: only on the request metrics.
  const tags = requestMetric(metric) ? (parsed.data.tags ?? {}) : {};
  return {
    metric,
    timeMs,
    value: parsed.data.value,
    step: tags.step,
    province: tags.province,
    status: tags.status,
    expectedResponse: tags.expected_response,
    retryAfter: metric === "retry_wait_ms" ? tags.retry_after : undefined,
  };
};

export interface ScanStats {
  bytes: number;
  lines: number;
  points: number;
}

/**
 * Streams results in k6's JSON line format (plain or gzipped), a batch of wanted points per chunk read.
 * Chunks are decoded as latin1 (a byte per char, no UTF-8 decoding cost) and lines are parsed where they lie
 * in the chunk; the tags it reads are ASCII, and a line that needs JSON.parse is re-decoded as UTF-8 first.
 * Memory does not grow with the file.
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
  const handle = (text: string, start: number, end: number) => {
    stats.lines++;
    const p = parseLineAt(text, start, end, times);
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
      if (nl > start) handle(text, start, nl);
      start = nl + 1;
    }
    tail = text.slice(start);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  if (tail.length > 0) handle(tail, 0, tail.length);
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
