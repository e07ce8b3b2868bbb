import { type Histogram, newHistogram, percentileMs, recordMs } from "../../engine/metrics/histogram.js";
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

/** Requests, errors and a latency histogram over some slice of the run. */
export interface Tally {
  requests: number;
  errors: number;
  hist: Histogram;
}

export const newTally = (): Tally => ({ requests: 0, errors: 0, hist: newHistogram() });

const emptyWindow = (index: number, windowMs: number): WindowStat => ({
  index,
  startMs: index * windowMs,
  requests: 0,
  errors: 0,
  errorRate: null,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
});

/**
 * One time series of fixed windows. Only windows within the horizon of the newest sample keep a histogram;
 * older ones are summarised into a few numbers, so memory grows with the run's duration in windows, never with
 * its number of samples.
 */
export class WindowSeries {
  private readonly open = new Map<number, Tally>();
  private readonly closed = new Map<number, WindowStat>();
  private newest = -1;

  constructor(
    readonly windowMs: number,
    private readonly horizon: number,
  ) {}

  private at(index: number): Tally | undefined {
    if (index < 0 || this.closed.has(index)) return undefined; // very late sample: in totals only
    let w = this.open.get(index);
    if (!w) {
      w = newTally();
      this.open.set(index, w);
      if (index > this.newest) {
        this.newest = index;
        this.closeBefore(index - this.horizon);
      }
    }
    return w;
  }

  request(tMs: number, failed: boolean): void {
    const w = this.at(Math.floor(tMs / this.windowMs));
    if (!w) return;
    w.requests++;
    if (failed) w.errors++;
  }

  duration(tMs: number, ms: number): void {
    const w = this.at(Math.floor(tMs / this.windowMs));
    if (w) recordMs(w.hist, ms);
  }

  private closeBefore(limit: number): void {
    for (const [index, w] of this.open) {
      if (index < limit) {
        this.closed.set(index, {
          index,
          startMs: index * this.windowMs,
          requests: w.requests,
          errors: w.errors,
          errorRate: w.requests === 0 ? null : w.errors / w.requests,
          p50Ms: percentileMs(w.hist, 50),
          p95Ms: percentileMs(w.hist, 95),
          p99Ms: percentileMs(w.hist, 99),
        });
        this.open.delete(index);
      }
    }
  }

  /** Closes every window; the series in order from window 0 to `lastIndex` (or the newest), gaps filled. */
  finish(lastIndex?: number): WindowStat[] {
    this.closeBefore(Number.POSITIVE_INFINITY);
    const end = lastIndex ?? this.newest;
    const out: WindowStat[] = [];
    for (let i = 0; i <= end; i++) out.push(this.closed.get(i) ?? emptyWindow(i, this.windowMs));
    return out;
  }

  get newestIndex(): number {
    return this.newest;
  }
}

/**
 * One window of what the load engine did (ms after t0): VUs busy and allocated (peaks of the `vus` and
 * `vus_max` gauges, sampled once a second; null when none fell in the window), dropped iterations, how late
 * iterations started, checks, and bytes on the wire.
 */
export interface LoadWindow {
  startMs: number;
  vusBusy: number | null;
  vusMax: number | null;
  dropped: number;
  startLagP50Ms: number | null;
  startLagP99Ms: number | null;
  checksPassed: number;
  checksFailed: number;
  bytesSent: number;
  bytesReceived: number;
}

interface OpenLoadWindow {
  vusBusy: number;
  vusMax: number;
  dropped: number;
  /** Made on the first start-lag sample: closed-model executors have no start lag. */
  lag: Histogram | null;
  checksPassed: number;
  checksFailed: number;
  bytesSent: number;
  bytesReceived: number;
}

const emptyLoadWindow = (startMs: number): LoadWindow => ({
  startMs,
  vusBusy: null,
  vusMax: null,
  dropped: 0,
  startLagP50Ms: null,
  startLagP99Ms: null,
  checksPassed: 0,
  checksFailed: 0,
  bytesSent: 0,
  bytesReceived: 0,
});

/** The load engine's series over fixed windows; like WindowSeries, only recent windows keep a histogram. */
export class LoadSeries {
  private readonly open = new Map<number, OpenLoadWindow>();
  private readonly closed = new Map<number, LoadWindow>();
  private newest = -1;

  constructor(
    readonly windowMs: number,
    private readonly horizon: number,
  ) {}

  /** The open window of a time (ms after t0), or undefined for a time before t0 or in a closed window. */
  at(tMs: number): OpenLoadWindow | undefined {
    const index = Math.floor(tMs / this.windowMs);
    if (index < 0 || this.closed.has(index)) return undefined;
    let w = this.open.get(index);
    if (!w) {
      w = {
        vusBusy: -1,
        vusMax: -1,
        dropped: 0,
        lag: null,
        checksPassed: 0,
        checksFailed: 0,
        bytesSent: 0,
        bytesReceived: 0,
      };
      this.open.set(index, w);
      if (index > this.newest) {
        this.newest = index;
        this.closeBefore(index - this.horizon);
      }
    }
    return w;
  }

  private closeBefore(limit: number): void {
    for (const [index, w] of this.open) {
      if (index >= limit) continue;
      this.closed.set(index, {
        startMs: index * this.windowMs,
        vusBusy: w.vusBusy < 0 ? null : w.vusBusy,
        vusMax: w.vusMax < 0 ? null : w.vusMax,
        dropped: w.dropped,
        startLagP50Ms: w.lag ? percentileMs(w.lag, 50) : null,
        startLagP99Ms: w.lag ? percentileMs(w.lag, 99) : null,
        checksPassed: w.checksPassed,
        checksFailed: w.checksFailed,
        bytesSent: w.bytesSent,
        bytesReceived: w.bytesReceived,
      });
      this.open.delete(index);
    }
  }

  /** Closes every window; the series from window 0 to `lastIndex` (or the newest), gaps filled. */
  finish(lastIndex?: number): LoadWindow[] {
    this.closeBefore(Number.POSITIVE_INFINITY);
    const end = lastIndex ?? this.newest;
    const out: LoadWindow[] = [];
    for (let i = 0; i <= end; i++) out.push(this.closed.get(i) ?? emptyLoadWindow(i * this.windowMs));
    return out;
  }

  get newestIndex(): number {
    return this.newest;
  }
}

/**
 * A named time range (ms after t0) with its own tally; `accept`, when given, keeps only the requests whose step
 * and status it accepts (the refusals, the admitted requests of some steps).
 */
export interface IntervalSpec {
  id: string;
  fromMs: number;
  toMs: number;
  accept?: (step: string | undefined, status: string | undefined, tMs: number) => boolean;
}

/** Failed writes after a primary loss kept to count those before the first success: enough for any run. */
const maxFailedWrites = 1_000_000;

export interface WindowAggregatorOptions {
  t0Ms: number;
  windowMs: number;
  /** Window of the per-step and per-province series (coarser for long runs, to bound their size). */
  breakdownWindowMs?: number;
  /** Which samples count as steady state (outside fault and recovery windows). */
  isSteady: (tMs: number) => boolean;
  /** Named time ranges (ms after t0) that get their own tallies: the baseline, each fault, its recovery. */
  intervals?: readonly IntervalSpec[];
  /** How far behind the newest sample windows stay open (results need only be roughly time-ordered). */
  horizonMs?: number;
  /** Find the first successful dossier write (submit step) at or after this time (the primary's loss). */
  firstWriteAfterMs?: number;
}

export interface RetryTally {
  /** Every retry the load made (after refusals and transport failures alike). */
  retries: number;
  /** Retries after a refusal (429 or 503): where a portal that sheds load should send Retry-After. */
  afterRefusal: number;
  /** ... of which the refusal carried Retry-After. */
  withRetryAfter: number;
  /** ... of which the client waited at least as long as Retry-After asked. */
  honoured: number;
}

/**
 * Folds the results' points into per-window series (overall, per step, per province, and the load engine's
 * own) and whole-run tallies.
 */
export class WindowAggregator {
  readonly series: WindowSeries;
  readonly stepSeries = new Map<string, WindowSeries>();
  readonly provinceSeries = new Map<string, WindowSeries>();
  readonly all = newHistogram();
  readonly steady = newHistogram();
  steadyRequests = 0;
  steadyErrors = 0;
  totalRequests = 0;
  totalErrors = 0;
  droppedIterations = 0;
  iterations = 0;
  /** The load engine over time, in breakdown windows. */
  readonly load: LoadSeries;
  /** How late the engine started scheduled iterations (`iteration_start_lag`), over the whole run. */
  readonly startLag = newHistogram();
  /** Peaks of the `vus` (busy) and `vus_max` (allocated) gauges; null when the engine sampled none. */
  vusBusyPeak: number | null = null;
  vusMaxPeak: number | null = null;
  checksPassed = 0;
  checksFailed = 0;
  bytesSent = 0;
  bytesReceived = 0;
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  readonly statuses = new Map<string, number>();
  /** First successful submission at or after `firstWriteAfterMs`, ms after t0. */
  firstWriteMs: number | null = null;
  /** Times of failed submissions at or after `firstWriteAfterMs` (capped), to count those before `firstWriteMs`. */
  private readonly failedWritesAfterLoss: number[] = [];
  readonly retry: RetryTally = { retries: 0, afterRefusal: 0, withRetryAfter: 0, honoured: 0 };
  readonly perInterval = new Map<string, Tally>();
  readonly perStep = new Map<string, Tally>();
  /** Per step, only steady-state samples (outside fault and recovery windows): what SLOs are judged on. */
  readonly perStepSteady = new Map<string, Tally>();
  readonly perProvince = new Map<string, Tally>();
  private readonly breakdownMs: number;
  private readonly breakdownHorizon: number;
  private readonly intervals: ReadonlyArray<IntervalSpec & { tally: Tally }>;

  constructor(private readonly options: WindowAggregatorOptions) {
    const horizonMs = options.horizonMs ?? 30_000;
    this.series = new WindowSeries(options.windowMs, Math.max(2, Math.ceil(horizonMs / options.windowMs)));
    this.breakdownMs = options.breakdownWindowMs ?? options.windowMs;
    this.breakdownHorizon = Math.max(2, Math.ceil(horizonMs / this.breakdownMs));
    this.load = new LoadSeries(this.breakdownMs, this.breakdownHorizon);
    this.intervals = (options.intervals ?? []).map((i) => {
      const tally = newTally();
      this.perInterval.set(i.id, tally);
      return { ...i, tally };
    });
  }

  private keyed(
    map: Map<string, Tally>,
    seriesMap: Map<string, WindowSeries>,
    key: string,
  ): [Tally, WindowSeries] {
    let tally = map.get(key);
    let series = seriesMap.get(key);
    if (!tally || !series) {
      tally = newTally();
      series = new WindowSeries(this.breakdownMs, this.breakdownHorizon);
      map.set(key, tally);
      seriesMap.set(key, series);
    }
    return [tally, series];
  }

  private steadyStep(step: string): Tally {
    let t = this.perStepSteady.get(step);
    if (!t) {
      t = newTally();
      this.perStepSteady.set(step, t);
    }
    return t;
  }

  add(point: K6Point): void {
    const t = point.timeMs - this.options.t0Ms;
    switch (point.metric) {
      case "http_req_failed":
      case "http_req_duration":
        this.request(point, t);
        return;
      case "checks": {
        const w = this.load.at(t);
        if (point.value > 0) {
          this.checksPassed++;
          if (w) w.checksPassed++;
        } else {
          this.checksFailed++;
          if (w) w.checksFailed++;
        }
        return;
      }
      case "data_sent": {
        this.bytesSent += point.value;
        const w = this.load.at(t);
        if (w) w.bytesSent += point.value;
        return;
      }
      case "data_received": {
        this.bytesReceived += point.value;
        const w = this.load.at(t);
        if (w) w.bytesReceived += point.value;
        return;
      }
      case "iteration_start_lag": {
        recordMs(this.startLag, point.value);
        const w = this.load.at(t);
        if (w) {
          if (w.lag === null) w.lag = newHistogram();
          recordMs(w.lag, point.value);
        }
        return;
      }
      case "vus": {
        if (this.vusBusyPeak === null || point.value > this.vusBusyPeak) this.vusBusyPeak = point.value;
        const w = this.load.at(t);
        if (w && point.value > w.vusBusy) w.vusBusy = point.value;
        return;
      }
      case "vus_max": {
        if (this.vusMaxPeak === null || point.value > this.vusMaxPeak) this.vusMaxPeak = point.value;
        const w = this.load.at(t);
        if (w && point.value > w.vusMax) w.vusMax = point.value;
        return;
      }
      case "dropped_iterations": {
        this.droppedIterations += point.value;
        const w = this.load.at(t);
        if (w) w.dropped += point.value;
        return;
      }
      case "iterations":
        this.iterations += point.value;
        return;
      case "retry_wait_ms": {
        this.retry.retries++;
        // Only refusals are expected to carry Retry-After; a refused connection has no headers at all.
        if (point.status !== "429" && point.status !== "503") return;
        this.retry.afterRefusal++;
        const asked = point.retryAfter === undefined ? Number.NaN : Number(point.retryAfter);
        if (Number.isFinite(asked)) {
          this.retry.withRetryAfter++;
          // A millisecond of slack for the clock's resolution.
          if (point.value + 1 >= asked * 1000) this.retry.honoured++;
        }
        return;
      }
      default:
        return;
    }
  }

  private request(point: K6Point, t: number): void {
    const [stepTally, stepSeries] = this.keyed(this.perStep, this.stepSeries, point.step ?? "other");
    const [provTally, provSeries] = this.keyed(this.perProvince, this.provinceSeries, point.province ?? "—");
    if (point.metric === "http_req_failed") {
      const failed = point.value > 0;
      if (t < this.firstMs) this.firstMs = t;
      if (t > this.lastMs) this.lastMs = t;
      this.totalRequests++;
      if (failed) this.totalErrors++;
      const after = this.options.firstWriteAfterMs;
      if (after !== undefined && point.step === "submit" && t >= after) {
        if (!failed && (this.firstWriteMs === null || t < this.firstWriteMs)) this.firstWriteMs = t;
        if (failed && this.failedWritesAfterLoss.length < maxFailedWrites) this.failedWritesAfterLoss.push(t);
      }
      const status = point.status ?? "0";
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
      this.series.request(t, failed);
      stepSeries.request(t, failed);
      provSeries.request(t, failed);
      stepTally.requests++;
      provTally.requests++;
      if (failed) {
        stepTally.errors++;
        provTally.errors++;
      }
      if (this.options.isSteady(t)) {
        this.steadyRequests++;
        const st = this.steadyStep(point.step ?? "other");
        st.requests++;
        if (failed) {
          this.steadyErrors++;
          st.errors++;
        }
      }
      for (const i of this.intervals) {
        if (t >= i.fromMs && t < i.toMs && (!i.accept || i.accept(point.step, point.status, t))) {
          i.tally.requests++;
          if (failed) i.tally.errors++;
        }
      }
    } else if (point.metric === "http_req_duration") {
      // Refused connections have no meaningful duration: latency is of answered requests.
      if (point.expectedResponse === "false" && point.status === "0") return;
      const ms = point.value;
      recordMs(this.all, ms);
      recordMs(stepTally.hist, ms);
      recordMs(provTally.hist, ms);
      this.series.duration(t, ms);
      stepSeries.duration(t, ms);
      provSeries.duration(t, ms);
      if (this.options.isSteady(t)) {
        recordMs(this.steady, ms);
        recordMs(this.steadyStep(point.step ?? "other").hist, ms);
      }
      for (const i of this.intervals)
        if (t >= i.fromMs && t < i.toMs && (!i.accept || i.accept(point.step, point.status, t)))
          recordMs(i.tally.hist, ms);
    }
  }

  /**
   * Write requests (submissions, retries included) refused or failed between the primary's loss and the first
   * write that succeeded after it (to the end of the run when none did); null without a primary loss.
   */
  get refusedWritesDuringFailover(): number | null {
    if (this.options.firstWriteAfterMs === undefined) return null;
    const until = this.firstWriteMs ?? Number.POSITIVE_INFINITY;
    return this.failedWritesAfterLoss.filter((t) => t < until).length;
  }

  /** Closes every window and returns the overall series in order, with empty windows filled in. */
  finish(): WindowStat[] {
    return this.series.finish();
  }

  /** The load engine's series in breakdown windows, at least over the span of the per-step series. */
  loadSeries(): LoadWindow[] {
    let last = this.load.newestIndex;
    for (const s of this.stepSeries.values()) last = Math.max(last, s.newestIndex);
    return this.load.finish(last);
  }

  /** Per-step or per-province series, each over the same span of breakdown windows. */
  breakdown(kind: "step" | "province"): Array<{ key: string; series: WindowStat[] }> {
    const map = kind === "step" ? this.stepSeries : this.provinceSeries;
    let last = -1;
    for (const s of map.values()) last = Math.max(last, s.newestIndex);
    return [...map.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, s]) => ({ key, series: s.finish(last) }));
  }

  get breakdownWindowMs(): number {
    return this.breakdownMs;
  }
}
