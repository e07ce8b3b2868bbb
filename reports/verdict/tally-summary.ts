import { percentileMs } from "../../engine/metrics/histogram.js";
import type { Tally } from "../analysis/windows.js";

/** A tally's counts and upper percentiles: what the criteria read, without its histogram. */
export interface TallySummary {
  requests: number;
  errors: number;
  p95Ms: number | null;
  p99Ms: number | null;
}

export const summarise = (t: Tally): TallySummary => ({
  requests: t.requests,
  errors: t.errors,
  p95Ms: percentileMs(t.hist, 95),
  p99Ms: percentileMs(t.hist, 99),
});
