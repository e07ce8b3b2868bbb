import { describe, expect, it } from "vitest";
import { type EngineStatus, engineStatuses } from "../../../engine/config.js";
import { safetyCriteria } from "./safety.js";

describe("safety: the run kept within its safety limits", () => {
  const breached: Record<EngineStatus, 0 | 1> = {
    completed: 0,
    // The run's thresholds are its safety limits: breached at the end without aborting is still a breach.
    "thresholds-failed": 1,
    "aborted-by-threshold": 1,
    // The engine's byte or error-rate cap stopped the load.
    "aborted-by-cap": 1,
    // Other endings make the run inconclusive (outcome.ts); they breach no safety limit.
    "aborted-by-script": 0,
    error: 0,
    interrupted: 0,
  };
  it.each(engineStatuses.map((s) => [s, breached[s]] as const))("%s: %i breaches", (status, breaches) => {
    expect(safetyCriteria(status)).toStrictEqual([
      {
        id: "safety-abort",
        title: "Run kept within the safety limits (fatal error rate and p99)",
        status: breaches === 0 ? "passed" : "failed",
        passed: breaches === 0,
        observed: breaches,
        threshold: 0,
        unit: "breaches",
      },
    ]);
  });
});
