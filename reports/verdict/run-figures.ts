import { percentileMs } from "../../engine/metrics/histogram.js";
import type { Tally, WindowAggregator, WindowStat } from "../analysis/windows.js";
import type { VerdictInput } from "./input.js";
import { round } from "./round.js";
import type { Verdict } from "./schema.js";

/** Figures the verdict reports but does not judge: per step, per province, the load, the series. */

const errorRate = (s: Tally): number | null => (s.requests > 0 ? round(s.errors / s.requests) : null);

export const stepFigures = (perStep: ReadonlyMap<string, Tally>): Verdict["steps"] =>
  [...perStep.entries()]
    .filter(([, s]) => s.requests > 0)
    .map(([step, s]) => ({
      step,
      requests: s.requests,
      errorRate: errorRate(s),
      p50Ms: percentileMs(s.hist, 50),
      p95Ms: percentileMs(s.hist, 95),
      p99Ms: percentileMs(s.hist, 99),
    }));

export const provinceFigures = (perProvince: ReadonlyMap<string, Tally>): Verdict["provinces"] =>
  [...perProvince.entries()]
    .filter(([, s]) => s.requests > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([province, s]) => ({
      province,
      requests: s.requests,
      errorRate: errorRate(s),
      p95Ms: percentileMs(s.hist, 95),
    }));

/** Planned vs achieved load, and what the engine says of itself (run.json) beside what its results say. */
export const loadFigures = (input: VerdictInput): Verdict["load"] => {
  const agg: WindowAggregator = input.aggregator;
  return {
    plannedIterations: Math.round(input.plannedIterations),
    achievedIterations: agg.iterations,
    plannedPeakRequestsPerS: input.plannedPeakRequestsPerS,
    achievedRequests: agg.totalRequests,
    droppedIterations: agg.droppedIterations,
    engineStatus: input.engineStatus,
    engine: input.engine,
    vusBusyPeak: agg.vusBusyPeak,
    vusMaxPeak: agg.vusMaxPeak,
    startLagP50Ms: percentileMs(agg.startLag, 50),
    startLagP99Ms: percentileMs(agg.startLag, 99),
    startLagMaxMs: percentileMs(agg.startLag, 100),
    checks: { passes: agg.checksPassed, fails: agg.checksFailed },
    bytesSent: agg.bytesSent,
    bytesReceived: agg.bytesReceived,
    generatorCpu: input.generatorCpu,
  };
};

export const seriesFigures = (windows: readonly WindowStat[]): Verdict["series"] =>
  windows.map((w) => ({
    t: w.startMs,
    requests: w.requests,
    errors: w.errors,
    p50Ms: w.p50Ms,
    p95Ms: w.p95Ms,
    p99Ms: w.p99Ms,
  }));
