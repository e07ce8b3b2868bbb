import type { EngineStatus } from "../../../engine/config.js";
import type { Criterion } from "../schema.js";
import { fromCatalogue, judge } from "./judge.js";

/**
 * `safety-abort`: the run's thresholds are its safety limits (fatal error rate and p99); a breach, whether it
 * stopped the run or was only found at its end, fails; so does a stop by one of the engine's caps (bytes, error
 * rate). Judged from the engine's status, not its exit code.
 */
const safetyStops: readonly EngineStatus[] = ["aborted-by-threshold", "thresholds-failed", "aborted-by-cap"];

export const safetyCriteria = (engineStatus: EngineStatus): Criterion[] => [
  judge({
    ...fromCatalogue("safety-abort"),
    observed: safetyStops.includes(engineStatus) ? 1 : 0,
    threshold: 0,
  }),
];
