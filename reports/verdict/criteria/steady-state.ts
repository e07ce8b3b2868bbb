import { percentileMs } from "../../../engine/metrics/histogram.js";
import type { WindowAggregator } from "../../analysis/windows.js";
import type { CriteriaSettings } from "../input.js";
import { round } from "../round.js";
import type { Criterion, Verdict } from "../schema.js";
import { judge } from "./judge.js";

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
  judge({
    id: "steady-error-rate",
    title: "Error rate outside fault and recovery windows",
    observed: steady.errorRate,
    threshold: c.steadyErrorRateMax,
    unit: "ratio",
    note: steady.errorRate === null ? "no steady-state requests" : undefined,
  }),
  judge({
    id: "steady-p95",
    title: "p95 latency outside fault and recovery windows",
    observed: steady.p95Ms,
    threshold: c.steadyP95MaxMs,
    unit: "ms",
    note: steady.p95Ms === null ? "no steady-state responses" : undefined,
  }),
];
