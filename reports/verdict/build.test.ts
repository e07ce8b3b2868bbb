import { describe, expect, it } from "vitest";
import type { EngineStatus } from "../../engine/config.js";
import type { TargetFigures } from "../metrics/figures.js";
import { sampleVerdict } from "../testing/sample-verdict.js";
import { catalogueEntry } from "./catalogue.js";

describe("verdict: the load engine", () => {
  it.each<[EngineStatus, { outcome: string; safetyAbort: boolean; inconclusive: RegExp | null }]>([
    ["completed", { outcome: "passed", safetyAbort: true, inconclusive: null }],
    // The run's thresholds are its safety limits: breached at the end without aborting is still a breach.
    ["thresholds-failed", { outcome: "failed", safetyAbort: false, inconclusive: null }],
    ["aborted-by-threshold", { outcome: "failed", safetyAbort: false, inconclusive: null }],
    ["aborted-by-cap", { outcome: "failed", safetyAbort: false, inconclusive: null }],
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

  it("says so when the load generator dropped iterations beyond the allowed share, with VUs to spare", () => {
    expect(sampleVerdict({ dropped: 3, droppedAtMs: 50_000 }).outcome).toBe("passed"); // 0.1 % of 3,000 planned
    const v = sampleVerdict({ dropped: 4, droppedAtMs: 50_000 });
    expect(v.load.droppedIterations).toBe(4);
    expect(v.outcome).toBe("inconclusive");
    expect(v.inconclusiveReasons.join()).toMatch(/dropped 4 of 3000 planned iterations/);
    expect(v.criteria.find((c) => c.id === "load-held")).toMatchObject({
      status: "not-judged",
      reason:
        "no data: iterations were dropped while some VUs were free, so the target's part in it cannot be told",
    });
  });

  it.each<[string, { droppedAtMs: number; vusBusyWhenDropped: number }, string, string]>([
    [
      "every VU busy, outside any fault: the target's doing",
      { droppedAtMs: 50_000, vusBusyWhenDropped: 12 },
      "failed",
      "failed",
    ],
    [
      "VUs to spare when they dropped",
      { droppedAtMs: 50_000, vusBusyWhenDropped: 9 },
      "inconclusive",
      "not-judged",
    ],
    [
      "every VU busy, but during the outage the run injected on the citizens' link",
      { droppedAtMs: 22_000, vusBusyWhenDropped: 12 },
      "inconclusive",
      "not-judged",
    ],
  ])("dropped iterations: %s", (_, when, outcome, loadHeld) => {
    const v = sampleVerdict({ dropped: 4, ...when });
    expect(v.outcome).toBe(outcome);
    expect(v.inconclusiveReasons.length > 0).toBe(outcome === "inconclusive");
    expect(v.criteria.find((c) => c.id === "load-held")).toMatchObject({
      status: loadHeld,
      threshold: 3,
      unit: "iterations",
    });
  });

  it("says which drops a fault on the load's own link caused", () => {
    const v = sampleVerdict({ dropped: 4, droppedAtMs: 22_000, vusBusyWhenDropped: 12 });
    expect(v.inconclusiveReasons).toEqual([
      "the load generator dropped 4 of 3000 planned iterations (0.13 %), 4 of them while a fault on a link the load enters by held its VUs: the plan was not held",
    ]);
    expect(v.criteria.find((c) => c.id === "load-held")).toMatchObject({
      observed: 0,
      reason:
        "no data: iterations were dropped while a fault the run injected on a link the load enters by held the VUs, so the target's part in it cannot be told",
    });
  });

  it("a lost dossier fails the run even when iterations were dropped (failed beats inconclusive)", () => {
    const v = sampleVerdict({ dropped: 4, dossiers: { lost: 1 } });
    expect(v.inconclusiveReasons.join()).toMatch(/dropped 4 of 3000/);
    expect(v.outcome).toBe("failed");
  });
});

describe("verdict: the criteria families, composed", () => {
  it("lists every family, in their fixed order; judges only what the run exercised", () => {
    const v = sampleVerdict();
    expect(v.criteria.map((c) => [c.id, c.status])).toEqual([
      ["steady-error-rate", "passed"],
      ["steady-p95", "passed"],
      ["recover-citizen-outage", "passed"],
      ["fault-start-skew", "passed"],
      ["slo-browse-error-rate", "passed"],
      ["slo-browse-p95", "passed"],
      ["slo-browse-p99", "passed"],
      ["slo-acknowledgement-p95", "passed"],
      ["dossiers-lost", "passed"],
      ["dossiers-duplicated", "passed"],
      ["dossiers-illegal-transitions", "passed"],
      ["dossiers-stuck", "not-judged"],
      ["dossiers-lookup-errors", "passed"],
      ["dossiers-code-shared", "not-judged"],
      ["failover", "not-judged"],
      ["queue-drain", "not-judged"],
      ["sync-drain", "not-judged"],
      ["retry-after-sent", "not-judged"],
      ["shedding-refusal-fast", "not-judged"],
      ["shedding-retry-after", "not-judged"],
      ["shedding-admitted-latency", "not-judged"],
      ["identity-isolation", "not-judged"],
      ["identity-isolation-errors", "not-judged"],
      ["national-sync-missing", "not-judged"],
      ["national-sync-stale", "not-judged"],
      ["payments-unsettled", "not-judged"],
      ["payments-dossier-unpaid", "not-judged"],
      ["load-held", "passed"],
      ["safety-abort", "passed"],
    ]);
    expect(v.outcome).toBe("passed");
    for (const c of v.criteria) {
      expect(c.passed, c.id).toBe(c.status === "passed");
      expect(c.reason !== undefined, c.id).toBe(c.status === "not-judged");
      expect(catalogueEntry(c.id), c.id).toBeDefined();
    }
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
      ["dossiers-code-shared", false],
      ["failover", true],
      ["queue-drain", true],
      ["sync-drain", true],
      ["retry-after-sent", false],
      ["shedding-refusal-fast", false],
      ["shedding-retry-after", false],
      ["shedding-admitted-latency", false],
      ["identity-isolation", false],
      ["identity-isolation-errors", false],
      ["national-sync-missing", false],
      ["national-sync-stale", false],
      ["payments-unsettled", false],
      ["payments-dossier-unpaid", false],
      ["load-held", true],
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
