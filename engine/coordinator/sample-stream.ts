import { builtinMetrics, httpTrendOrder, type MetricDef } from "../metrics/builtin.js";
import { pointTail, type ResultsWriter } from "../output/results-writer.js";
import { Rec, recordLength } from "../runtime/samples.js";
import type { FromWorker } from "../worker/protocol.js";
import { type Aggregator, type MetricState, newTagSet, type TagSet } from "./aggregator.js";

/**
 * Puts every worker's samples into one time-ordered stream: each worker's batches are in time order and
 * carry a watermark (no later sample of that worker is older), so everything older than the lowest watermark
 * can be merged and passed on. Each sample then feeds the aggregates and, when asked for, k6's JSON lines.
 */
type BatchMessage = Extract<FromWorker, { type: "batch" }>;

type Tags = TagSet & { tail?: Buffer };

interface Queued {
  samples: Float64Array;
  pos: number;
  tags: Map<number, Tags>;
  metrics: Map<number, MetricState>;
}

interface OwnSample {
  timeMs: number;
  metric: MetricState;
  value: number;
  tags: Tags;
}

const noTail = Buffer.alloc(0);

const recordSize = (type: number): number =>
  type === Rec.point
    ? recordLength[Rec.point]
    : type === Rec.http
      ? recordLength[Rec.http]
      : recordLength[Rec.iteration];
const timeAt = (b: Queued): number => b.samples[b.pos + (b.samples[b.pos] === Rec.point ? 2 : 1)] as number;

export class SampleStream {
  private readonly queues: Queued[][];
  private readonly watermarks: number[];
  private readonly tagTables: Array<Map<number, TagSet>>;
  private readonly metricTables: Array<Map<number, MetricState>>;
  private own: OwnSample[] = [];
  private ownWatermark = Number.NEGATIVE_INFINITY;
  private ownStarted = false;
  private readonly http: MetricState[];
  private readonly reqs: MetricState;
  private readonly failed: MetricState;
  private readonly iter: {
    sent: MetricState;
    received: MetricState;
    duration: MetricState;
    count: MetricState;
  };
  samples = 0;
  lastTimeMs = 0;
  /** Bytes sent and received by the requests merged so far (the byte cap's count; data_* wait for iterations). */
  wireBytes = 0;

  constructor(
    private readonly agg: Aggregator,
    private readonly writer: ResultsWriter | null,
    workers: number,
  ) {
    this.queues = Array.from({ length: workers }, () => []);
    this.watermarks = Array.from({ length: workers }, () => Number.NEGATIVE_INFINITY);
    this.tagTables = Array.from({ length: workers }, () => new Map());
    this.metricTables = Array.from({ length: workers }, () => new Map());
    agg.declareBuiltins();
    this.http = httpTrendOrder.map((d) => agg.metric(d));
    this.reqs = agg.metric(builtinMetrics.httpReqs);
    this.failed = agg.metric(builtinMetrics.httpReqFailed);
    this.iter = {
      sent: agg.metric(builtinMetrics.dataSent),
      received: agg.metric(builtinMetrics.dataReceived),
      duration: agg.metric(builtinMetrics.iterationDuration),
      count: agg.metric(builtinMetrics.iterations),
    };
  }

  private bytesWatch: { max: number; onOver: (bytes: number) => void } | null = null;

  /** Calls `onOver` once, as soon as a merged batch takes the requests' bytes past `max`. */
  watchBytes(max: number, onOver: (bytes: number) => void): void {
    this.bytesWatch = { max, onOver };
  }

  receive(b: BatchMessage): void {
    const w = b.worker;
    if (b.tagsReset) this.tagTables[w] = new Map();
    const tags = this.tagTables[w] as Map<number, TagSet>;
    for (const [id, json] of b.tags) tags.set(id, newTagSet(json));
    const metrics = this.metricTables[w] as Map<number, MetricState>;
    for (const [id, def] of b.metrics) metrics.set(id, this.agg.metric(def));
    if (b.samples.length > 0) this.queues[w]?.push({ samples: b.samples, pos: 0, tags, metrics });
    this.watermarks[w] = Math.max(this.watermarks[w] ?? 0, b.watermark);
    this.drain();
    const watch = this.bytesWatch;
    if (watch !== null && this.wireBytes > watch.max) {
      this.bytesWatch = null;
      watch.onOver(this.wireBytes);
    }
  }

  /** A worker that will send nothing more no longer holds the stream back. */
  workerDone(w: number): void {
    this.watermarks[w] = Number.POSITIVE_INFINITY;
    this.drain();
  }

  /** A sample the coordinator itself makes (vus, vus_max), in time order with its own earlier ones. */
  addOwn(def: MetricDef, timeMs: number, value: number, tagsJson: string): void {
    const metric = this.agg.metric(def);
    this.own.push({ timeMs, metric, value, tags: this.ownTags(tagsJson) });
    this.ownWatermark = Math.max(this.ownWatermark, timeMs);
    this.ownStarted = true;
    this.drain();
  }

  /**
   * The coordinator's next own sample will not be older than this: samples of the workers up to it may pass
   * now, instead of waiting a second for the next tick (held that long, they outlived the young generation).
   */
  ownNext(timeMs: number): void {
    this.ownWatermark = Math.max(this.ownWatermark, timeMs);
    this.ownStarted = true;
    this.drain();
  }

  private readonly ownTagSets = new Map<string, TagSet>();
  private ownTags(json: string): TagSet {
    let t = this.ownTagSets.get(json);
    if (!t) {
      t = newTagSet(json);
      this.ownTagSets.set(json, t);
    }
    return t;
  }

  /** Passes on everything up to the lowest watermark; with `all`, everything. */
  drain(all = false): void {
    let limit = all ? Number.POSITIVE_INFINITY : Math.min(...this.watermarks);
    if (!all && this.ownStarted) limit = Math.min(limit, this.ownWatermark);
    const queues = this.queues;
    let ownAt = 0;
    for (;;) {
      let best = -1;
      let bestTime = limit;
      for (let w = 0; w < queues.length; w++) {
        const q = queues[w] as Queued[];
        const head = q[0];
        if (!head) continue;
        const t = timeAt(head);
        if (t < bestTime) {
          best = w;
          bestTime = t;
        }
      }
      while (
        ownAt < this.own.length &&
        (this.own[ownAt] as OwnSample).timeMs <= (best === -1 ? limit : bestTime)
      ) {
        const o = this.own[ownAt++] as OwnSample;
        this.emitPoint(o.metric, o.timeMs, o.value, o.tags);
      }
      if (best === -1) break;
      const q = queues[best] as Queued[];
      const head = q[0] as Queued;
      this.record(head);
      head.pos += recordSize(head.samples[head.pos] as number);
      if (head.pos >= head.samples.length) q.shift();
    }
    if (ownAt > 0) this.own = this.own.slice(ownAt);
  }

  private tail(t: Tags): Buffer {
    t.tail ??= pointTail(t.json);
    return t.tail;
  }

  private emitPoint(m: MetricState, timeMs: number, value: number, tags: Tags): void {
    this.samples++;
    this.lastTimeMs = timeMs;
    this.agg.add(m, value, tags);
    if (m.def.name === "checks") this.agg.addCheck(tags, value !== 0);
    const w = this.writer;
    if (w) {
      w.declare(m);
      w.point(w.head(m.def.name), w.time(timeMs), value, this.tail(tags));
    }
  }

  private record(b: Queued): void {
    const s = b.samples;
    const i = b.pos;
    const type = s[i];
    if (type === Rec.point) {
      const m = b.metrics.get(s[i + 1] as number);
      const tags = b.tags.get(s[i + 4] as number);
      if (m && tags) this.emitPoint(m, s[i + 2] as number, s[i + 3] as number, tags);
      return;
    }
    const timeMs = s[i + 1] as number;
    const tags = b.tags.get(s[i + 2] as number) as Tags | undefined;
    if (!tags) return;
    this.lastTimeMs = timeMs;
    const w = this.writer;
    const time = w ? w.time(timeMs) : "";
    const tail = w ? this.tail(tags) : noTail;
    const out = (m: MetricState, v: number) => {
      this.samples++;
      this.agg.add(m, v, tags);
      if (w) {
        w.declare(m);
        w.point(w.head(m.def.name), time, v, tail);
      }
    };
    if (type === Rec.http) {
      out(this.reqs, 1);
      for (let k = 0; k < 7; k++) out(this.http[k] as MetricState, s[i + 3 + k] as number);
      const failed = s[i + 10] as number;
      if (failed >= 0) out(this.failed, failed);
      this.agg.recent(timeMs, s[i + 3] as number, failed === 1);
      this.wireBytes += s[i + 11] as number;
      return;
    }
    out(this.iter.sent, s[i + 4] as number);
    out(this.iter.received, s[i + 5] as number);
    out(this.iter.duration, s[i + 3] as number);
    out(this.iter.count, 1);
  }
}
