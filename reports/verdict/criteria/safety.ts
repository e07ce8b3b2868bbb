import type { EngineStatus } from "../../../engine/config.js";
import type { Criterion } from "../schema.js";
import { fromCatalogue, judge } from "./judge.js";

/**
 * `safety-abort`: the run's thresholds are its safety limits (fatal error rate and p99); a breach, whether it
 * stopped the run or was only found at its end, fails. Judged from the engine's status, not its exit code.
 */
export const safetyCriteria = (engineStatus: EngineStatus): Criterion[] => [
  judge({
    ...fromCatalogue("safety-abort"),
    observed: engineStatus === "aborted-by-threshold" || engineStatus === "thresholds-failed" ? 1 : 0,
    threshold: 0,
  }),
];
