import type { MetricType } from "./builtin.js";
import { DenseHistogram } from "./histogram.js";
import type { SinkView } from "./thresholds.js";

/**
 * Running aggregates of one metric (or sub-metric): what thresholds evaluate and the summary prints. Trend
 * percentiles come from an HDR-style histogram (values in thousandths, 0.1 % relative error), not from keeping
 * every sample as k6 does; min, max, sum and count are exact.
 */
export interface Sink extends SinkView {
  readonly type: MetricType;
  add(value: number): void;
  /** The summary-export fields of this sink (k6's legacy `--summary-export` shape). */
  exportFields(trendStats: readonly string[], elapsedS: number): Record<string, number>;
}

export class CounterSink implements Sink {
  readonly type = "counter";
  sum = 0;
  private elapsedS = 1;
  add(value: number): void {
    this.sum += value;
  }
  /** Counters' rate is per second of test run time; the caller says how long the run has been going. */
  setElapsed(seconds: number): void {
    this.elapsedS = seconds > 0 ? seconds : 1;
  }
  count(): number {
    return this.sum;
  }
  rate(): number {
    return this.sum / this.elapsedS;
  }
  value(): number {
    return this.sum;
  }
  avg(): number {
    return this.sum;
  }
  min(): number {
    return this.sum;
  }
  max(): number {
    return this.sum;
  }
  percentile(): number {
    return this.sum;
  }
  exportFields(_stats: readonly string[], elapsedS: number): Record<string, number> {
    return { count: this.sum, rate: elapsedS > 0 ? this.sum / elapsedS : 0 };
  }
}

export class GaugeSink implements Sink {
  readonly type = "gauge";
  last = 0;
  lo = Number.POSITIVE_INFINITY;
  hi = Number.NEGATIVE_INFINITY;
  seen = false;
  add(value: number): void {
    this.last = value;
    this.seen = true;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
  }
  count(): number {
    return this.seen ? 1 : 0;
  }
  rate(): number {
    return this.last;
  }
  value(): number {
    return this.last;
  }
  avg(): number {
    return this.last;
  }
  min(): number {
    return this.seen ? this.lo : 0;
  }
  max(): number {
    return this.seen ? this.hi : 0;
  }
  percentile(): number {
    return this.last;
  }
  exportFields(): Record<string, number> {
    return { value: this.last, min: this.min(), max: this.max() };
  }
}

export class RateSink implements Sink {
  readonly type = "rate";
  trues = 0;
  total = 0;
  add(value: number): void {
    this.total++;
    if (value !== 0) this.trues++;
  }
  count(): number {
    return this.total;
  }
  rate(): number {
    return this.total === 0 ? 0 : this.trues / this.total;
  }
  value(): number {
    return this.rate();
  }
  avg(): number {
    return this.rate();
  }
  min(): number {
    return this.rate();
  }
  max(): number {
    return this.rate();
  }
  percentile(): number {
    return this.rate();
  }
  exportFields(): Record<string, number> {
    return { passes: this.trues, fails: this.total - this.trues, value: this.rate() };
  }
}

export class TrendSink implements Sink {
  readonly type = "trend";
  readonly histogram = new DenseHistogram();
  n = 0;
  sum = 0;
  lo = Number.POSITIVE_INFINITY;
  hi = Number.NEGATIVE_INFINITY;
  add(value: number): void {
    this.n++;
    this.sum += value;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    this.histogram.recordUs(value * 1000);
  }
  count(): number {
    return this.n;
  }
  rate(): number {
    return this.n;
  }
  value(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }
  avg(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }
  min(): number {
    return this.n === 0 ? 0 : this.lo;
  }
  max(): number {
    return this.n === 0 ? 0 : this.hi;
  }
  percentile(p: number): number {
    if (this.n === 0) return 0;
    if (p <= 0) return this.lo;
    if (p >= 100) return this.hi;
    const v = this.histogram.valueAtPercentileUs(p) / 1000;
    return Math.min(this.hi, Math.max(this.lo, v));
  }
  exportFields(trendStats: readonly string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of trendStats) {
      const v = trendStat(this, s);
      if (v !== null) out[s] = v;
    }
    return out;
  }
}

/** One of `summaryTrendStats` (avg, min, med, max, count, p(N)) read from a trend. */
export const trendStat = (t: TrendSink, stat: string): number | null => {
  switch (stat) {
    case "avg":
      return t.avg();
    case "min":
      return t.min();
    case "max":
      return t.max();
    case "med":
      return t.percentile(50);
    case "count":
      return t.count();
  }
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
  return m ? t.percentile(Number(m[1])) : null;
};

export const validTrendStat = (stat: string): boolean =>
  ["avg", "min", "max", "med", "count"].includes(stat) || /^p\((\d+(?:\.\d+)?)\)$/.test(stat);

export const newSink = (type: MetricType): Sink => {
  switch (type) {
    case "counter":
      return new CounterSink();
    case "gauge":
      return new GaugeSink();
    case "rate":
      return new RateSink();
    case "trend":
      return new TrendSink();
  }
};
