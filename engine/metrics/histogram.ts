/**
 * Latency histograms in the HDR layout: microsecond values, 2048 linear sub-buckets per power of two (better
 * than 0.1 % relative error, 3 significant digits), mergeable by adding counts. Buckets are kept sparse: a
 * one-second window touches a few hundred buckets, so creating, filling and reading thousands of window
 * histograms stays cheap (hdr-histogram-js's packed arrays took ~1 ms per percentile read, which dominated a
 * 1 GB analysis).
 */
const subBucketBits = 11;
const subBuckets = 1 << subBucketBits; // 2048
const half = subBuckets >> 1; // 1024
const maxValueUs = 3_600_000_000; // one hour

export class Histogram {
  private readonly counts = new Map<number, number>();
  totalCount = 0;
  maxUs = 0;

  recordUs(value: number, count = 1): void {
    const v = Math.min(maxValueUs, Math.max(1, Math.round(value)));
    const i = indexOf(v);
    this.counts.set(i, (this.counts.get(i) ?? 0) + count);
    this.totalCount += count;
    if (v > this.maxUs) this.maxUs = v;
  }

  /** Adds another histogram's counts to this one (windows merge into intervals, runs into totals). */
  merge(other: Histogram): void {
    for (const [i, c] of other.counts) this.counts.set(i, (this.counts.get(i) ?? 0) + c);
    this.totalCount += other.totalCount;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  /** The value at or below which `p` % of recorded values fall (highest value of its bucket), in µs. */
  valueAtPercentileUs(p: number): number {
    if (this.totalCount === 0) return 0;
    const target = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.totalCount));
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const k of keys) {
      seen += this.counts.get(k) ?? 0;
      if (seen >= target) return Math.min(highestEquivalent(k), this.maxUs);
    }
    return this.maxUs;
  }

  /** Bucket index → count, for serialising. */
  entries(): Array<[number, number]> {
    return [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
  }
}

/** Bucket of a value: exact below 2048 µs, then 1024 buckets per power of two. */
export const indexOf = (v: number): number => {
  if (v < subBuckets) return v;
  const shift = 32 - Math.clz32(v) - subBucketBits; // v < 2^32, so clz32 sees all of it
  const sub = Math.floor(v / 2 ** shift); // in [1024, 2048)
  return subBuckets + (shift - 1) * half + (sub - half);
};

/** Highest value that falls into bucket `i`. */
export const highestEquivalent = (i: number): number => {
  if (i < subBuckets) return i;
  const s = Math.floor((i - subBuckets) / half) + 1;
  const sub = ((i - subBuckets) % half) + half;
  return (sub + 1) * 2 ** s - 1;
};

export const newHistogram = (): Histogram => new Histogram();

export const recordMs = (h: Histogram, ms: number): void => {
  h.recordUs(ms * 1000);
};

/** Percentile in ms (two decimals), or null for an empty histogram. */
export const percentileMs = (h: Histogram, p: number): number | null =>
  h.totalCount === 0 ? null : Math.round(h.valueAtPercentileUs(p) / 10) / 100;

/** Buckets a dense histogram needs to hold every value up to the cap. */
const denseBuckets = indexOf(maxValueUs) + 1;

/**
 * The same buckets in a flat array: recording is an array increment, not a map update. For the engine's few
 * long-lived trends, fed at every request (about 92 KB each); the analysis keeps the sparse kind for its
 * thousands of short windows.
 */
export class DenseHistogram {
  private readonly counts = new Uint32Array(denseBuckets);
  totalCount = 0;
  maxUs = 0;

  recordUs(value: number): void {
    const v = value >= maxValueUs ? maxValueUs : value < 1 ? 1 : Math.round(value);
    const i = v < 2048 ? v : indexOf(v);
    this.counts[i] = (this.counts[i] as number) + 1;
    this.totalCount++;
    if (v > this.maxUs) this.maxUs = v;
  }

  valueAtPercentileUs(p: number): number {
    if (this.totalCount === 0) return 0;
    const target = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.totalCount));
    let seen = 0;
    const c = this.counts;
    for (let i = 0; i < c.length; i++) {
      seen += c[i] as number;
      if (seen >= target) return Math.min(highestEquivalent(i), this.maxUs);
    }
    return this.maxUs;
  }
}
