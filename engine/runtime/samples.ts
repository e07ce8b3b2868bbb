import { monoNow } from "../clock/clock.js";
import type { Timings } from "../http/vu-connections.js";
import { builtinMetrics, type MetricDef } from "../metrics/builtin.js";

/**
 * Samples leave a worker as flat records in a Float64Array, shipped to the coordinator in batches: one
 * record per request (the coordinator expands it into k6's nine HTTP points and counts its bytes for the
 * byte cap), one per finished iteration (iterations, iteration_duration, data_sent, data_received) and one
 * per other point. Tag sets and metric names go across once each, as small numbers afterwards. Times are
 * epoch ms, taken when the sample is made, so each worker's stream is already in time order.
 */
export const Rec = { point: 0, http: 1, iteration: 2 } as const;
export const recordLength = { [Rec.point]: 5, [Rec.http]: 12, [Rec.iteration]: 6 } as const;

export interface LogLine {
  timeMs: number;
  level: "debug" | "info" | "warning" | "error";
  msg: string;
}

export interface Batch {
  samples: Float64Array;
  metrics: Array<[number, MetricDef]>;
  tags: Array<[number, string]>;
  /** The tag table was cleared before these tags: ids restart. */
  tagsReset: boolean;
  logs: LogLine[];
}

/** Unique tag sets kept per worker before the table starts over (URLs with ids in them never repeat). */
export const maxTagSets = 50_000;

/** A JSON string literal; only strings with quotes, backslashes, control or non-ASCII characters need escaping. */
const jsonString = (s: string): string => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x7f) return JSON.stringify(s);
  }
  return `"${s}"`;
};

/** A tag set as k6 writes it: keys sorted, string values. */
export const tagsJson = (tags: Readonly<Record<string, string>>): string => {
  const keys = Object.keys(tags).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (i > 0) out += ",";
    out += `${jsonString(k)}:${jsonString(tags[k] as string)}`;
  }
  return `${out}}`;
};

/** A tag value as k6 stores it: strings as they are, numbers and booleans as text. */
export const tagValue = (name: string, v: unknown): string => {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new TypeError(`tag "${name}": a tag value must be a string, number or boolean, not ${typeof v}`);
};

export class SampleEmitter {
  private buf: Float64Array;
  private len = 0;
  private readonly tagIds = new Map<string, number>();
  private freshTags: Array<[number, string]> = [];
  private readonly metricIds = new Map<string, number>();
  private readonly metricDefs: MetricDef[] = [];
  private freshMetrics: Array<[number, MetricDef]> = [];
  private logs: LogLine[] = [];
  private tagsReset = false;
  /** Bumped each time the tag table starts over (ids cached elsewhere are then stale). */
  epoch = 0;

  constructor(
    private readonly epochOffset: number,
    private readonly onFull: () => void,
    capacity = 1 << 15,
  ) {
    this.buf = new Float64Array(capacity);
    for (const m of Object.values(builtinMetrics)) this.metricId(m);
  }

  /** Epoch ms now, on the run's shared clock. */
  now(): number {
    return monoNow() + this.epochOffset;
  }

  metricId(def: MetricDef): number {
    let id = this.metricIds.get(def.name);
    if (id === undefined) {
      id = this.metricDefs.length;
      this.metricDefs.push(def);
      this.metricIds.set(def.name, id);
      this.freshMetrics.push([id, def]);
    }
    return id;
  }

  metricByName(name: string): MetricDef | undefined {
    const id = this.metricIds.get(name);
    return id === undefined ? undefined : this.metricDefs[id];
  }

  tagId(json: string): number {
    let id = this.tagIds.get(json);
    if (id === undefined) {
      if (this.tagIds.size >= maxTagSets) {
        // Everything buffered refers to the old ids: ship it, then start a new table.
        this.onFull();
        this.tagIds.clear();
        this.freshTags = [];
        this.tagsReset = true;
        this.epoch++;
      }
      id = this.tagIds.size;
      this.tagIds.set(json, id);
      this.freshTags.push([id, json]);
    }
    return id;
  }

  private room(n: number): void {
    if (this.len + n > this.buf.length) this.onFull();
    if (this.len + n > this.buf.length) {
      const bigger = new Float64Array(Math.max(this.buf.length * 2, this.len + n));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
  }

  point(metric: number, value: number, tags: number, timeMs = this.now()): void {
    this.room(5);
    const b = this.buf;
    const i = this.len;
    b[i] = Rec.point;
    b[i + 1] = metric;
    b[i + 2] = timeMs;
    b[i + 3] = value;
    b[i + 4] = tags;
    this.len = i + 5;
  }

  /**
   * One request; `failed` is 1, 0, or -1 when no response callback judges it; `bytes` it sent and received
   * on the wire (for the engine's byte cap as requests end, not only as iterations do).
   */
  http(tags: number, t: Timings, failed: number, bytes: number, timeMs = this.now()): void {
    this.room(12);
    const b = this.buf;
    const i = this.len;
    b[i] = Rec.http;
    b[i + 1] = timeMs;
    b[i + 2] = tags;
    b[i + 3] = t.duration;
    b[i + 4] = t.blocked;
    b[i + 5] = t.connecting;
    b[i + 6] = t.tls_handshaking;
    b[i + 7] = t.sending;
    b[i + 8] = t.waiting;
    b[i + 9] = t.receiving;
    b[i + 10] = failed;
    b[i + 11] = bytes;
    this.len = i + 12;
  }

  iteration(tags: number, durationMs: number, sent: number, received: number, timeMs = this.now()): void {
    this.room(6);
    const b = this.buf;
    const i = this.len;
    b[i] = Rec.iteration;
    b[i + 1] = timeMs;
    b[i + 2] = tags;
    b[i + 3] = durationMs;
    b[i + 4] = sent;
    b[i + 5] = received;
    this.len = i + 6;
  }

  log(level: LogLine["level"], msg: string): void {
    this.logs.push({ timeMs: this.now(), level, msg });
  }

  /** Drops buffered samples and log lines (keeps the metric and tag tables, which later samples use). */
  discardSamples(): void {
    this.len = 0;
    this.logs = [];
  }

  get size(): number {
    return this.len;
  }

  /** Everything since the last take, in a buffer the caller may transfer. */
  take(): Batch {
    const samples = this.buf.slice(0, this.len);
    this.len = 0;
    const batch: Batch = {
      samples,
      metrics: this.freshMetrics,
      tags: this.freshTags,
      tagsReset: this.tagsReset,
      logs: this.logs,
    };
    this.tagsReset = false;
    this.freshMetrics = [];
    this.freshTags = [];
    this.logs = [];
    return batch;
  }
}
