import { describe, expect, it } from "vitest";
import type { EngineStatus } from "../../engine/config.js";
import type { TargetFigures } from "../metrics/figures.js";
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

describe("verdict: the criteria families, composed", () => {
  it("judges only the families a run calls for, in their fixed order", () => {
    expect(sampleVerdict().criteria.map((c) => c.id)).toEqual([
      "steady-error-rate",
      "steady-p95",
      "recover-citizen-outage",
      "fault-start-skew",
      "slo-browse-error-rate",
      "slo-browse-p95",
      "slo-browse-p99",
      "slo-acknowledgement-p95",
      "dossiers-lost",
      "dossiers-duplicated",
      "dossiers-illegal-transitions",
      "dossiers-lookup-errors",
      "safety-abort",
    ]);
  });

  const metrics: TargetFigures = {
    source: "metrics.ndjson",
    samples: 120,
    failedSamples: 0,
    intervalMs: 500,
    queue: {
      peakDepth: { value: 12 },
      drainTimeMs: { value: 1500 },
      shed: { value: 4 },
      admitted: { value: 900 },
    },
    failover: {
      durationMs: { value: 2400 },
      primaryLostAtMs: 20_010,
      firstStandbyWriteAtMs: 22_410,
      promotedAtMs: 21_000,
    },
    sync: { lagMs: { value: 800 }, drainTimeMs: { value: 3000 }, backlogPeak: { value: 7 } },
    queueSeries: [],
  };

  it("judges every family when the run calls for all of them, in the same order", () => {
    const v = sampleVerdict({
      faultLink: "gateway-dossier-primary",
      targetFigures: metrics,
      criteria: {
        failoverWithinS: 10,
        queueDrainWithinS: 10,
        syncDrainWithinS: 30,
        maxErrorBudgetBurned: 100,
      },
      dossiers: { stuck: 0 },
      retries: [
        { status: "503", retryAfter: "1" },
        { status: "429", retryAfter: "none" },
      ],
    });
    expect(v.criteria.map((c) => [c.id, c.passed])).toEqual([
      ["steady-error-rate", true],
      ["steady-p95", true],
      ["recover-citizen-outage", true],
      ["fault-start-skew", true],
      ["slo-browse-error-rate", true],
      ["slo-browse-p95", true],
      ["slo-browse-p99", true],
      ["slo-acknowledgement-p95", true],
      ["error-budget", true],
      ["dossiers-lost", true],
      ["dossiers-duplicated", true],
      ["dossiers-illegal-transitions", true],
      ["dossiers-stuck", true],
      ["dossiers-lookup-errors", true],
      ["failover", true],
      ["queue-drain", true],
      ["sync-drain", true],
      ["retry-after-sent", false],
      ["safety-abort", true],
    ]);
    expect(v.outcome).toBe("failed");
    expect(v.queue.retryAfter).toEqual({
      retries: 2,
      afterRefusal: 2,
      sentShare: { value: 0.5 },
      honouredShare: { value: 1 },
    });
    expect(v.failover).toEqual({
      durationMs: { value: 2400 },
      primaryLostAtMs: 20_010,
      firstStandbyWriteAtMs: 22_410,
      promotedAtMs: 21_000,
    });
  });

  it("carries each family's figures: baseline, tolerance, the fault, the error budget", () => {
    const v = sampleVerdict();
    expect(v.baseline).toMatchObject({ fromMs: 2000, toMs: 20_000, errorRate: 0 });
    expect(v.tolerance).toMatchObject({ errorRateMax: 0.01, windowMs: 1000, recoverWindows: 5 });
    expect(v.faults).toMatchObject([
      {
        id: "citizen-outage",
        appliedStartMs: 20_010,
        appliedEndMs: 25_005,
        startSkewMs: 10,
        errorRateDuring: 1,
      },
    ]);
    expect(v.errorBudget).toEqual({ sloErrorRate: 0.01, allowedErrors: 30, errors: 250, burned: 8.333 });
  });
});
