import * as hdr from "hdr-histogram-js";

/** Latency histograms: microsecond resolution, 3 significant digits, packed buckets (small, mergeable). */
export type Histogram = hdr.Histogram;

export const newHistogram = (): Histogram =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: "packed",
    useWebAssembly: false,
  });

export const recordMs = (h: Histogram, ms: number): void => {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
};

/** Percentile in ms, or null for an empty histogram. */
export const percentileMs = (h: Histogram, p: number): number | null =>
  h.totalCount === 0 ? null : Math.round(h.getValueAtPercentile(p) / 10) / 100;
