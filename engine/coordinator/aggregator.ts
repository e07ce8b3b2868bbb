import { builtinByName, builtinMetrics, httpTrendOrder, type MetricDef } from "../metrics/builtin.js";
import { Histogram } from "../metrics/histogram.js";
import { CounterSink, newSink, type Sink } from "../metrics/sinks.js";
import { aggregate, compare } from "../metrics/thresholds.js";
import type { ResolvedThreshold } from "../options/resolve.js";

/**
 * Test-wide aggregates: one sink per metric and per sub-metric (the thresholds' tag filters and k6's
 * `http_req_duration{expected_response:true}`), checks by group for the summary's tree, and a rolling window
 * of request durations for the live progress line. Thresholds are evaluated here.
 */
export interface TagSet {
  json: string;
  parsed: Record<string, string> | null;
  /**
   * Matching sub-metric sinks per metric name, filled on first use; made only for a metric with sub-metrics
   * (most tag sets are seen once, and a map each was a steady stream of long-lived objects).
   */
  subs: Map<string, Sink[]> | null;
}

export const newTagSet = (json: string): TagSet => ({ json, parsed: null, subs: null });

const parsedTags = (t: TagSet): Record<string, string> => {
  if (!t.parsed) t.parsed = JSON.parse(t.json) as Record<string, string>;
  return t.parsed;
};

export interface Submetric {
  name: string;
  suffix: string;
  filters: Array<[string, string]>;
  /** Each filter as it appears in a tag set's JSON: after `{`, or after `,`. */
  needles: Array<[string, string]>;
  sink: Sink;
}

export interface MetricState {
  def: MetricDef;
  sink: Sink;
  subs: Submetric[];
  thresholds: ResolvedThreshold[];
  /** Its Metric line was written. */
  declared: boolean;
}

export interface ThresholdResult {
  metric: string;
  threshold: string;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
  passed: boolean;
  observed: number;
  /** When set, the evaluation that made an abortOnFail threshold stop the test. */
  abortedAtMs: number | null;
}

export interface CheckCount {
  group: string;
  name: string;
  passes: number;
  fails: number;
}

export class Aggregator {
  readonly metrics = new Map<string, MetricState>();
  readonly checks = new Map<string, CheckCount>();
  private readonly thresholdsByMetric = new Map<string, ResolvedThreshold[]>();
  private readonly window: Histogram[] = [];
  private windowSecond = -1;
  httpFailures = 0;

  constructor(
    readonly thresholds: readonly ResolvedThreshold[],
    private readonly windowSeconds = 5,
  ) {
    for (const t of thresholds) {
      const list = this.thresholdsByMetric.get(t.key.metric) ?? [];
      list.push(t);
      this.thresholdsByMetric.set(t.key.metric, list);
    }
  }

  /** Declares a metric (built-in or custom) the first time it is seen. */
  metric(def: MetricDef): MetricState {
    let m = this.metrics.get(def.name);
    if (m) return m;
    const thresholds = this.thresholdsByMetric.get(def.name) ?? [];
    const subs: Submetric[] = [];
    const addSub = (filters: Array<[string, string]>) => {
      const suffix = filters.map(([k, v]) => `${k}:${v}`).join(",");
      if (subs.some((s) => s.suffix === suffix)) return;
      const needles = filters.map(([k, v]): [string, string] => {
        const pair = `${JSON.stringify(k)}:${JSON.stringify(v)}`;
        return [`{${pair}`, `,${pair}`];
      });
      subs.push({ name: `${def.name}{${suffix}}`, suffix, filters, needles, sink: newSink(def.type) });
    };
    if (def.name === builtinMetrics.httpReqDuration.name) addSub([["expected_response", "true"]]);
    for (const t of thresholds) if (t.key.tags.length > 0) addSub(t.key.tags);
    m = { def, sink: newSink(def.type), subs, thresholds, declared: false };
    this.metrics.set(def.name, m);
    return m;
  }

  /** Adds one sample. */
  add(m: MetricState, value: number, tags: TagSet): void {
    m.sink.add(value);
    if (m.subs.length > 0) {
      tags.subs ??= new Map();
      let hit = tags.subs.get(m.def.name);
      if (!hit) {
        // Tag sets are mostly new (a URL with a dossier code in it is new every time): match the filters in
        // the JSON text, where a tag is `"name":"value"` after `{` or `,`, rather than parsing it.
        const json = tags.json;
        hit = m.subs
          .filter((s) => s.needles.every((n) => json.includes(n[0]) || json.includes(n[1])))
          .map((s) => s.sink);
        tags.subs.set(m.def.name, hit);
      }
      for (const s of hit) s.add(value);
    }
  }

  addCheck(tags: TagSet, passed: boolean): void {
    const p = parsedTags(tags);
    const key = `${p.group ?? ""}\u0000${p.check ?? ""}`;
    let c = this.checks.get(key);
    if (!c) {
      c = { group: p.group ?? "", name: p.check ?? "", passes: 0, fails: 0 };
      this.checks.set(key, c);
    }
    if (passed) c.passes++;
    else c.fails++;
  }

  /** A request's duration, for the live p95 over the last few seconds. */
  recent(timeMs: number, durationMs: number, failed: boolean): void {
    if (failed) this.httpFailures++;
    const second = Math.floor(timeMs / 1000);
    if (second !== this.windowSecond) {
      this.windowSecond = second;
      this.window.push(new Histogram());
      if (this.window.length > this.windowSeconds) this.window.shift();
    }
    this.window.at(-1)?.recordUs(durationMs * 1000);
  }

  recentP95(): number | null {
    const h = new Histogram();
    for (const w of this.window) h.merge(w);
    return h.totalCount === 0 ? null : h.valueAtPercentileUs(95) / 1000;
  }

  private sinkFor(metric: string, filters: ReadonlyArray<[string, string]>): Sink | null {
    const m = this.metrics.get(metric);
    if (!m) return null;
    if (filters.length === 0) return m.sink;
    const suffix = filters.map(([k, v]) => `${k}:${v}`).join(",");
    return m.subs.find((s) => s.suffix === suffix)?.sink ?? null;
  }

  /** Evaluates every threshold on what has arrived; counters' rates use `elapsedS`. */
  evaluate(elapsedS: number, elapsedMs: number): ThresholdResult[] {
    const out: ThresholdResult[] = [];
    for (const t of this.thresholds) {
      const def = builtinByName.get(t.key.metric) ?? this.metrics.get(t.key.metric)?.def;
      const sink = this.sinkFor(t.key.metric, t.key.tags) ?? (def ? newSink(def.type) : newSink("counter"));
      if (sink instanceof CounterSink) sink.setElapsed(elapsedS);
      for (const e of t.exprs) {
        const observed = aggregate(e.expr.aggregation, sink);
        const passed = compare(observed, e.expr.operator, e.expr.value);
        out.push({
          metric: t.key.source,
          threshold: e.expr.source,
          abortOnFail: e.abortOnFail,
          delayAbortEvalMs: e.delayAbortEvalMs,
          passed,
          observed,
          abortedAtMs: !passed && e.abortOnFail && elapsedMs >= e.delayAbortEvalMs ? elapsedMs : null,
        });
      }
    }
    return out;
  }

  /** The metric kinds an HTTP record and an iteration record expand into, declared up front. */
  declareBuiltins(): void {
    this.metric(builtinMetrics.httpReqs);
    for (const m of httpTrendOrder) this.metric(m);
    this.metric(builtinMetrics.httpReqFailed);
    this.metric(builtinMetrics.iterations);
    this.metric(builtinMetrics.iterationDuration);
    this.metric(builtinMetrics.dataSent);
    this.metric(builtinMetrics.dataReceived);
  }
}
