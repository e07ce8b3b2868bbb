import { type Histogram, newHistogram, percentileMs, recordMs } from "./histogram.js";
import type { K6Point } from "./k6-stream.js";

/** Summary of one time window of the run (times in ms after t0). */
export interface WindowStat {
  index: number;
  startMs: number;
  requests: number;
  errors: number;
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

interface OpenWindow {
  requests: number;
  errors: number;
  hist: Histogram;
}

export interface WindowAggregatorOptions {
  t0Ms: number;
  windowMs: number;
  /** Which samples count as steady state (outside fault and recovery windows). */
  isSteady: (tMs: number) => boolean;
  /** Named time ranges (ms after t0) that get their own counts and histogram: the baseline, each fault. */
  intervals?: ReadonlyArray<{ id: string; fromMs: number; toMs: number }>;
  /** Windows this far behind the newest sample are closed (k6 output is only roughly time-ordered). */
  horizonWindows?: number;
}

/**
 * Folds k6 points into per-window series and whole-run histograms. Only the newest windows keep a histogram;
 * closed windows keep a few numbers, so memory does not depend on run length.
 */
export class WindowAggregator {
  private readonly open = new Map<number, OpenWindow>();
  private readonly closed = new Map<number, WindowStat>();
  private newest = -1;
  readonly all = newHistogram();
  readonly steady = newHistogram();
  steadyRequests = 0;
  steadyErrors = 0;
  totalRequests = 0;
  totalErrors = 0;
  droppedIterations = 0;
  iterations = 0;
  readonly perInterval = new Map<string, { requests: number; errors: number; hist: Histogram }>();
  readonly perStep = new Map<string, { requests: number; errors: number; hist: Histogram }>();
  private readonly horizon: number;

  constructor(private readonly options: WindowAggregatorOptions) {
    this.horizon = options.horizonWindows ?? 30;
    for (const i of options.intervals ?? [])
      this.perInterval.set(i.id, { requests: 0, errors: 0, hist: newHistogram() });
  }

  private intervalsAt(t: number): Array<{ requests: number; errors: number; hist: Histogram }> {
    const out = [];
    for (const i of this.options.intervals ?? []) {
      if (t >= i.fromMs && t < i.toMs) {
        const acc = this.perInterval.get(i.id);
        if (acc) out.push(acc);
      }
    }
    return out;
  }

  private window(index: number): OpenWindow | undefined {
    if (this.closed.has(index)) return undefined; // very late sample: already summarised, counted in totals only
    let w = this.open.get(index);
    if (!w) {
      w = { requests: 0, errors: 0, hist: newHistogram() };
      this.open.set(index, w);
    }
    return w;
  }

  add(point: K6Point): void {
    const t = point.timeMs - this.options.t0Ms;
    if (point.metric === "dropped_iterations") {
      this.droppedIterations += point.value;
      return;
    }
    if (point.metric === "iterations") {
      this.iterations += point.value;
      return;
    }
    const index = Math.floor(t / this.options.windowMs);
    const w = index >= 0 ? this.window(index) : undefined;
    const step = point.tags.step ?? "other";
    let s = this.perStep.get(step);
    if (!s) {
      s = { requests: 0, errors: 0, hist: newHistogram() };
      this.perStep.set(step, s);
    }
    const steady = this.options.isSteady(t);
    const inIntervals = this.intervalsAt(t);
    if (point.metric === "http_req_failed") {
      this.totalRequests++;
      s.requests++;
      for (const acc of inIntervals) {
        acc.requests++;
        if (point.value > 0) acc.errors++;
      }
      if (w) w.requests++;
      if (steady) this.steadyRequests++;
      if (point.value > 0) {
        this.totalErrors++;
        s.errors++;
        if (w) w.errors++;
        if (steady) this.steadyErrors++;
      }
    } else if (point.metric === "http_req_duration") {
      // Failed requests (refused connections) have no meaningful duration: latency is of answered requests.
      if (point.tags.expected_response === "false" && point.tags.status === "0") return;
      recordMs(this.all, point.value);
      recordMs(s.hist, point.value);
      if (w) recordMs(w.hist, point.value);
      if (steady) recordMs(this.steady, point.value);
      for (const acc of inIntervals) recordMs(acc.hist, point.value);
    }
    if (index > this.newest) {
      this.newest = index;
      this.closeBefore(index - this.horizon);
    }
  }

  private closeBefore(limit: number): void {
    for (const [index, w] of this.open) {
      if (index < limit) {
        this.closed.set(index, this.summarise(index, w));
        this.open.delete(index);
      }
    }
  }

  private summarise(index: number, w: OpenWindow): WindowStat {
    return {
      index,
      startMs: index * this.options.windowMs,
      requests: w.requests,
      errors: w.errors,
      errorRate: w.requests === 0 ? null : w.errors / w.requests,
      p50Ms: percentileMs(w.hist, 50),
      p95Ms: percentileMs(w.hist, 95),
      p99Ms: percentileMs(w.hist, 99),
    };
  }

  /** Closes every window and returns the series in order, with empty windows filled in. */
  finish(): WindowStat[] {
    this.closeBefore(Number.POSITIVE_INFINITY);
    const out: WindowStat[] = [];
    for (let i = 0; i <= this.newest; i++) {
      out.push(
        this.closed.get(i) ?? {
          index: i,
          startMs: i * this.options.windowMs,
          requests: 0,
          errors: 0,
          errorRate: null,
          p50Ms: null,
          p95Ms: null,
          p99Ms: null,
        },
      );
    }
    return out;
  }
}
