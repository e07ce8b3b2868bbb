import { describe, expect, it } from "vitest";
import type { EngineStatus } from "../../engine/config.js";
import { sampleVerdict } from "../testing/sample-verdict.js";

describe("verdict: the load engine", () => {
  it.each<[EngineStatus, { outcome: string; safetyAbort: boolean; inconclusive: RegExp | null }]>([
    ["completed", { outcome: "passed", safetyAbort: true, inconclusive: null }],
    // The run's thresholds are its safety limits: breached at the end without aborting is still a breach.
    ["thresholds-failed", { outcome: "failed", safetyAbort: false, inconclusive: null }],
    ["aborted-by-threshold", { outcome: "failed", safetyAbort: false, inconclusive: null }],
    ["aborted-by-script", { outcome: "inconclusive", safetyAbort: true, inconclusive: /aborted-by-script/ }],
    ["error", { outcome: "inconclusive", safetyAbort: true, inconclusive: /ended error/ }],
    ["interrupted", { outcome: "inconclusive", safetyAbort: true, inconclusive: /interrupted/ }],
  ])("judges the engine's status, not an exit code: %s", (status, expected) => {
    const v = sampleVerdict({ engineStatus: status });
    expect(v.load.engineStatus).toBe(status);
    expect(v.outcome).toBe(expected.outcome);
    expect(v.criteria.find((c) => c.id === "safety-abort")?.passed).toBe(expected.safetyAbort);
    const engineReasons = v.inconclusiveReasons.filter((r) => r.includes("load engine"));
    if (expected.inconclusive === null) expect(engineReasons).toEqual([]);
    else expect(engineReasons.join("; ")).toMatch(expected.inconclusive);
  });

  it("carries the run's totals of VUs, start lag, checks and bytes, and the engine's own account", () => {
    const v = sampleVerdict();
    expect(v.load).toMatchObject({
      vusBusyPeak: 10,
      vusMaxPeak: 12,
      checks: { passes: 2750, fails: 250 },
      bytesSent: 900_000,
      bytesReceived: 6_000_000,
      droppedIterations: 0,
      engine: {
        workers: 2,
        workerStartOffsetsMs: [0.4, 1.3],
        iterations: { started: 3000, completed: 3000, interrupted: 0, dropped: 0, errors: 0 },
      },
    });
    expect(v.load.startLagP50Ms).toBeCloseTo(0.5, 1);
    expect(v.load.startLagP99Ms).toBeCloseTo(0.8, 1);
    expect(v.load.startLagMaxMs).toBeCloseTo(12, 1);
  });

  it("says so when the load generator dropped iterations beyond the allowed share", () => {
    expect(sampleVerdict({ dropped: 3 }).outcome).toBe("passed"); // 0.1 % of 3,000 planned
    const v = sampleVerdict({ dropped: 4 });
    expect(v.load.droppedIterations).toBe(4);
    expect(v.outcome).toBe("inconclusive");
    expect(v.inconclusiveReasons.join()).toMatch(/dropped 4 of 3000 planned iterations/);
  });
});
