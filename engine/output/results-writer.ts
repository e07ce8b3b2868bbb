import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { constants, createGzip, type Gzip } from "node:zlib";
import { TimeFormatter } from "../clock/clock.js";
import type { MetricState } from "../coordinator/aggregator.js";
import { formatDuration } from "../options/duration.js";

/**
 * k6's JSON output, line for line: a `Metric` line the first time a metric appears, then one `Point` line per
 * sample, with k6's key order (`{"metric":…,"type":"Point","data":{"time":…,"value":…,"tags":{…}}}`) and
 * RFC 3339 times with nanoseconds. A name ending in `.gz` is gzipped (level 1: the text is repetitive, and
 * the CPU is better spent making requests). Lines are gathered and written in large pieces.
 */
const chunkBytes = 1 << 20;
/** zlib's output piece: 128 KiB rather than its 16 KiB default, so a 1 MiB chunk (about 60 KiB gzipped) costs one thread-pool turn, not four. */
const gzipChunkBytes = 1 << 17;

export class ResultsWriter {
  private readonly stream: WriteStream;
  private readonly gzip: Gzip | null;
  private readonly sink: NodeJS.WritableStream;
  private readonly times = new TimeFormatter();
  private readonly declared = new Set<string>();
  private readonly heads = new Map<string, Buffer>();
  private buf = Buffer.allocUnsafe(chunkBytes);
  private pos = 0;
  bytes = 0;
  lines = 0;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file);
    this.gzip = file.endsWith(".gz")
      ? createGzip({ level: 1, flush: constants.Z_NO_FLUSH, chunkSize: gzipChunkBytes })
      : null;
    if (this.gzip) this.gzip.pipe(this.stream);
    this.sink = this.gzip ?? this.stream;
  }

  /** The Metric line, once per metric. */
  declare(m: MetricState): void {
    if (m.declared || this.declared.has(m.def.name)) return;
    m.declared = true;
    this.declared.add(m.def.name);
    const thresholds = m.thresholds
      .filter((t) => t.key.tags.length === 0)
      .flatMap((t) =>
        t.exprs.map((e) => ({
          threshold: e.expr.source,
          abortOnFail: e.abortOnFail,
          delayAbortEval: e.delayAbortEvalMs > 0 ? formatDuration(e.delayAbortEvalMs) : "",
        })),
      );
    const submetrics =
      m.subs.length === 0
        ? null
        : m.subs.map((s) => ({ name: s.name, suffix: s.suffix, tags: Object.fromEntries(s.filters) }));
    this.push(
      `{"type":"Metric","data":{"name":${JSON.stringify(m.def.name)},"type":"${m.def.type}","contains":"${m.def.contains}","thresholds":${JSON.stringify(thresholds)},"submetrics":${JSON.stringify(submetrics)}},"metric":${JSON.stringify(m.def.name)}}\n`,
    );
  }

  /** The RFC 3339 time of a sample (ASCII). */
  time(epochMs: number): string {
    return this.times.format(epochMs);
  }

  /** The shared head of every Point line of a metric, as bytes. */
  head(name: string): Buffer {
    let h = this.heads.get(name);
    if (h === undefined) {
      h = Buffer.from(`{"metric":${JSON.stringify(name)},"type":"Point","data":{"time":"`);
      this.heads.set(name, h);
    }
    return h;
  }

  /**
   * One Point line from its pieces: the metric's head and the tag set's tail (`,"tags":{…}}}\n`, see
   * `pointTail`) are bytes made once and copied in; only the time and the value are written as text. Joining
   * the whole line as a string first cost a copy of its ~300 characters more per line.
   */
  point(head: Buffer, time: string, value: number, tail: Buffer): void {
    this.lines++;
    const need = head.length + time.length + maxValueChars + tail.length;
    if (this.pos + need > this.buf.length) {
      this.flush();
      if (need > this.buf.length) {
        const b = Buffer.concat([head, Buffer.from(`${time}","value":${formatValue(value)}`), tail]);
        this.bytes += b.length;
        this.sink.write(b);
        return;
      }
    }
    const buf = this.buf;
    buf.set(head, this.pos);
    this.pos += head.length;
    this.pos += buf.write(`${time}","value":${formatValue(value)}`, this.pos, "latin1");
    buf.set(tail, this.pos);
    this.pos += tail.length;
  }

  private push(line: string): void {
    this.lines++;
    // Up to 3 bytes a UTF-16 unit: make sure the line fits before writing it in place.
    if (this.pos + line.length * 3 > this.buf.length) {
      this.flush();
      if (line.length * 3 > this.buf.length) {
        const b = Buffer.from(line);
        this.bytes += b.length;
        this.sink.write(b);
        return;
      }
    }
    this.pos += this.buf.write(line, this.pos, "utf8");
  }

  flush(): void {
    if (this.pos === 0) return;
    this.bytes += this.pos;
    this.sink.write(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(chunkBytes);
    this.pos = 0;
  }

  async close(): Promise<void> {
    this.flush();
    this.sink.end();
    await once(this.stream, "close");
  }
}

/** The tail of a Point line for a tag set, as the bytes `point` copies in. */
export const pointTail = (tagsJson: string): Buffer => Buffer.from(`,"tags":${tagsJson}}}\n`);

/** `","value":` and the longest number JavaScript prints ("-1.7976931348623157e+308"), with room to spare. */
const maxValueChars = 40;

const digits3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
const trimmed3 = digits3.map((d) => d.replace(/0+$/, ""));

/**
 * A sample's value as JavaScript prints it (`String(v)`), faster for the engine's usual case: a duration
 * rounded to nanoseconds (at most 6 decimals). For such a value below 10^9 the shortest decimal that reads
 * back as the same double is the 6-decimal one with its trailing zeros trimmed (doubles there are closer
 * than 10^-6 apart, so no shorter decimal lands on it), which integer arithmetic builds without the general
 * double-to-text algorithm. Any other value takes `String(v)`.
 */
export const formatValue = (v: number): string => {
  if (Number.isInteger(v)) return `${v}`;
  const a = v < 0 ? -v : v;
  if (a < 1e9) {
    const n = Math.round(a * 1e6);
    if (n / 1e6 === a) {
      const frac = n % 1e6;
      const whole = (n - frac) / 1e6;
      const lo = frac % 1000;
      const hi = (frac - lo) / 1000;
      const decimals =
        lo === 0 ? (trimmed3[hi] as string) : `${digits3[hi] as string}${trimmed3[lo] as string}`;
      return `${v < 0 ? "-" : ""}${whole}.${decimals}`;
    }
  }
  return `${v}`;
};
