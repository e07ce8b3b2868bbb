import type { EngineStatus } from "../../engine/config.js";
import type { Criterion, Verdict } from "./schema.js";

/** Statuses in which the engine ran its plan to the end, or was stopped by the plan's own safety limits. */
const plannedEnds: readonly EngineStatus[] = ["completed", "thresholds-failed", "aborted-by-threshold"];

export interface HeldPlan {
  plannedIterations: number;
  droppedIterations: number;
  maxDroppedIterationsShare: number;
  totalRequests: number;
  engineStatus: EngineStatus;
  /** Whether the run had a steady-state baseline to judge its faults against, and how many faults it had. */
  hasBaseline: boolean;
  faults: number;
  generatorCpu: { value: number | null };
}

/**
 * Why the run cannot be judged either way (empty when it can): the load generator did not hold its plan
 * (dropped iterations, saturated CPU), the engine did not end as planned, no request was made, or there was
 * no baseline before the first fault.
 */
export const inconclusiveReasons = (h: HeldPlan): string[] => {
  const reasons: string[] = [];
  const droppedShare = h.plannedIterations > 0 ? h.droppedIterations / h.plannedIterations : 0;
  if (droppedShare > h.maxDroppedIterationsShare)
    reasons.push(
      `the load generator dropped ${h.droppedIterations} of ${Math.round(h.plannedIterations)} planned iterations (${(droppedShare * 100).toFixed(2)} %): the plan was not held`,
    );
  if (h.totalRequests === 0) reasons.push("no request was made");
  if (!plannedEnds.includes(h.engineStatus))
    reasons.push(`the load engine ended ${h.engineStatus}, not as planned`);
  if (!h.hasBaseline && h.faults > 0) reasons.push("no steady-state baseline before the first fault");
  if (h.generatorCpu.value !== null && h.generatorCpu.value >= 0.95)
    reasons.push(
      `the load generator's CPU was saturated (${Math.round(h.generatorCpu.value * 100)} % of all cores on average over the load)`,
    );
  return reasons;
};

/** Inconclusive beats everything; otherwise failed when any criterion failed. */
export const outcomeOf = (criteria: readonly Criterion[], reasons: readonly string[]): Verdict["outcome"] => {
  const passed = criteria.every((x) => x.passed);
  return reasons.length > 0 ? "inconclusive" : passed ? "passed" : "failed";
};
