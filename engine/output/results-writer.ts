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

export class ResultsWriter {
  private readonly stream: WriteStream;
  private readonly gzip: Gzip | null;
  private readonly sink: NodeJS.WritableStream;
  private readonly times = new TimeFormatter();
  private readonly declared = new Set<string>();
  private readonly heads = new Map<string, string>();
  private buf = Buffer.allocUnsafe(chunkBytes);
  private pos = 0;
  bytes = 0;
  lines = 0;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file);
    this.gzip = file.endsWith(".gz") ? createGzip({ level: 1, flush: constants.Z_NO_FLUSH }) : null;
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

  time(epochMs: number): string {
    return this.times.format(epochMs);
  }

  /** The shared head of every Point line of a metric. */
  head(name: string): string {
    let h = this.heads.get(name);
    if (h === undefined) {
      h = `{"metric":${JSON.stringify(name)},"type":"Point","data":{"time":"`;
      this.heads.set(name, h);
    }
    return h;
  }

  /**
   * One Point line; `tail` is `,"tags":{…}}}\n` of the sample's tag set. Heads, times and numbers are ASCII,
   * so a line whose tags are ASCII is copied byte for byte (latin1), skipping UTF-8 encoding.
   */
  point(head: string, time: string, value: number, tail: string, asciiTail: boolean): void {
    const line = `${head}${time}","value":${value}${tail}`;
    if (!asciiTail) {
      this.push(line);
      return;
    }
    this.lines++;
    if (this.pos + line.length > this.buf.length) this.flush();
    if (line.length > this.buf.length) {
      this.push(line);
      return;
    }
    this.pos += this.buf.write(line, this.pos, "latin1");
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

/** The tail of a Point line for a tag set. */
export const pointTail = (tagsJson: string): string => `,"tags":${tagsJson}}}\n`;

export const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
};
