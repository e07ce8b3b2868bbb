import { percentileMs } from "../../../engine/metrics/histogram.js";
import type { WindowAggregator } from "../../analysis/windows.js";
import type { CriteriaSettings } from "../input.js";
import { round } from "../round.js";
import type { Criterion, Verdict } from "../schema.js";
import { fromCatalogue, judge, notJudged } from "./judge.js";

export type SteadyFigures = Verdict["steady"];

/** Requests, error rate and latency outside fault and recovery windows. */
export const steadyFigures = (
  agg: Pick<WindowAggregator, "steadyRequests" | "steadyErrors" | "steady">,
): SteadyFigures => ({
  requests: agg.steadyRequests,
  errorRate: round(agg.steadyRequests > 0 ? agg.steadyErrors / agg.steadyRequests : null),
  p50Ms: percentileMs(agg.steady, 50),
  p95Ms: percentileMs(agg.steady, 95),
  p99Ms: percentileMs(agg.steady, 99),
});

/** `steady-error-rate` and `steady-p95`: the run outside its fault and recovery windows. */
export const steadyStateCriteria = (
  steady: Pick<SteadyFigures, "errorRate" | "p95Ms">,
  c: Pick<CriteriaSettings, "steadyErrorRateMax" | "steadyP95MaxMs">,
): Criterion[] => [
  steady.errorRate === null
    ? notJudged(
        { ...fromCatalogue("steady-error-rate"), observed: null, threshold: c.steadyErrorRateMax },
        { because: "no-data", reason: "no steady-state requests" },
      )
    : judge({
        ...fromCatalogue("steady-error-rate"),
        observed: steady.errorRate,
        threshold: c.steadyErrorRateMax,
      }),
  judge({
    ...fromCatalogue("steady-p95"),
    observed: steady.p95Ms,
    threshold: c.steadyP95MaxMs,
    note: steady.p95Ms === null ? "no steady-state responses" : undefined,
  }),
];
