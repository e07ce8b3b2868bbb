import { describe, expect, it } from "vitest";
import { appliedTimes, type ChaosEvent } from "../../../chaos/events.js";
import type { FaultResult } from "../schema.js";
import { baselineFigures, type FaultFigureInput, faultCriteria, faultResult } from "./faults.js";

const event = (
  phase: ChaosEvent["phase"],
  appliedMs: number,
  more: Partial<ChaosEvent> = {},
): ChaosEvent => ({
  faultId: "f1",
  kind: "outage",
  link: "citizen-gateway",
  phase,
  outcome: "ok",
  plannedMs: appliedMs,
  requestedMs: appliedMs,
  appliedMs,
  ...more,
});

describe("applied times of a fault, from the chaos events", () => {
  it.each<[string, ChaosEvent[], ReturnType<typeof appliedTimes>]>([
    ["never applied", [], { start: null, end: null, errors: [] }],
    [
      "applied and removed",
      [event("apply", 20_010), event("remove", 25_005)],
      { start: 20_010, end: 25_005, errors: [] },
    ],
    ["applied, never removed", [event("apply", 20_010)], { start: 20_010, end: null, errors: [] }],
    [
      "a failed apply, then one that took",
      [
        event("apply", 20_000, { outcome: "error", error: "refused" }),
        event("apply", 20_300, { outcome: "recreated" }),
      ],
      { start: 20_300, end: null, errors: ["apply: refused"] },
    ],
    [
      "flapping: ends with its last removal, steps in between do not count",
      [event("apply", 1000), event("step", 1500), event("remove", 2000), event("remove", 3000)],
      { start: 1000, end: 3000, errors: [] },
    ],
    [
      "a failed removal does not end it, and says 'failed' without an error text",
      [event("apply", 1000), event("remove", 2000), event("remove", 2500, { outcome: "error" })],
      { start: 1000, end: 2000, errors: ["remove: failed"] },
    ],
    [
      "another fault's events are not its own",
      [event("apply", 1000, { faultId: "f2" })],
      { start: null, end: null, errors: [] },
    ],
  ])("%s", (_, events, expected) => {
    expect(appliedTimes("f1", events)).toEqual(expected);
  });
});

describe("baseline and tolerance", () => {
  const analysis = {
    windowMs: 1000,
    recoverWindows: 5,
    errorRateTolerancePp: 1,
    p95Factor: 1.5,
    p95SlackMs: 25,
  };
  const range = { fromMs: 2000, toMs: 20_000 };
  it.each<
    [
      string,
      { requests: number; errors: number; p95Ms: number | null } | undefined,
      { requests: number; errorRate: number | null; p95Ms: number | null },
      { errorRateMax: number | null; p95MaxMs: number | null },
    ]
  >([
    [
      "no baseline interval",
      undefined,
      { requests: 0, errorRate: null, p95Ms: null },
      { errorRateMax: null, p95MaxMs: null },
    ],
    [
      "no request in it",
      { requests: 0, errors: 0, p95Ms: null },
      { requests: 0, errorRate: null, p95Ms: null },
      { errorRateMax: null, p95MaxMs: null },
    ],
    [
      "requests but no answer",
      { requests: 10, errors: 10, p95Ms: null },
      { requests: 10, errorRate: 1, p95Ms: null },
      { errorRateMax: null, p95MaxMs: null },
    ],
    [
      "a fast baseline: the slack wins",
      { requests: 200, errors: 1, p95Ms: 20 },
      { requests: 200, errorRate: 0.005, p95Ms: 20 },
      { errorRateMax: 0.015, p95MaxMs: 45 },
    ],
    [
      "a slow baseline: the factor wins",
      { requests: 3, errors: 0, p95Ms: 100.01 },
      { requests: 3, errorRate: 0, p95Ms: 100.01 },
      { errorRateMax: 0.01, p95MaxMs: 150.02 },
    ],
  ])("%s", (_, tally, baseline, band) => {
    const got = baselineFigures(tally, range, analysis);
    expect(got.baseline).toEqual({ ...range, ...baseline });
    expect(got.tolerance).toMatchObject({ ...band, windowMs: 1000, recoverWindows: 5 });
    expect(got.tol === null).toBe(band.errorRateMax === null);
  });

  it("prints its rule", () => {
    expect(baselineFigures(undefined, range, analysis).tolerance.rule).toBe(
      "error rate ≤ baseline + 1 pp and p95 ≤ max(1.5 × baseline p95, baseline p95 + 25 ms), 5 consecutive 1000 ms windows to recover",
    );
  });
});

describe("one fault's figures", () => {
  const input: FaultFigureInput = {
    fault: { id: "f1", kind: "outage", link: "citizen-gateway", startS: 20, durationS: 5 },
    applied: { start: 20_010.04, end: 25_005, errors: [] },
    during: { requests: 250, errors: 200, p95Ms: 3.5 },
    timing: { timeToDetectMs: 0, timeToRecoverMs: 944.4 },
    sloErrorRate: 0.01,
    allowedErrors: 30,
  };
  it.each<[string, Partial<FaultFigureInput>, Partial<FaultResult>]>([
    [
      "applied late, detected, recovered",
      {},
      {
        plannedStartMs: 20_000,
        plannedEndMs: 25_000,
        appliedStartMs: 20_010.04,
        appliedEndMs: 25_005,
        startSkewMs: 10,
        timeToDetectMs: 0,
        timeToRecoverMs: 944,
        errorRateDuring: 0.8,
        p95DuringMs: 3.5,
        requestsDuring: 250,
        burnRate: 80,
        errorBudgetBurned: 6.667,
      },
    ],
    [
      "applied early: a negative skew",
      { applied: { start: 19_950, end: 25_000, errors: [] } },
      { startSkewMs: -50 },
    ],
    [
      "never applied",
      { applied: { start: null, end: null, errors: ["apply: refused"] } },
      { appliedStartMs: null, appliedEndMs: null, startSkewMs: null, errors: ["apply: refused"] },
    ],
    [
      "no interval tally",
      { during: undefined },
      {
        errorRateDuring: null,
        p95DuringMs: null,
        requestsDuring: 0,
        burnRate: null,
        errorBudgetBurned: null,
      },
    ],
    [
      "no request during it",
      { during: { requests: 0, errors: 0, p95Ms: null } },
      { errorRateDuring: null, burnRate: null, errorBudgetBurned: 0 },
    ],
    [
      "an SLO error rate of 0: no burn rate",
      { sloErrorRate: 0 },
      { burnRate: null, errorBudgetBurned: 6.667 },
    ],
    ["no error budget at all", { allowedErrors: 0 }, { burnRate: 80, errorBudgetBurned: null }],
    [
      "not timed",
      { timing: { timeToDetectMs: null, timeToRecoverMs: null } },
      { timeToDetectMs: null, timeToRecoverMs: null },
    ],
  ])("%s", (_, change, expected) => {
    const got = faultResult({ ...input, ...change });
    expect(got).toMatchObject({ id: "f1", kind: "outage", link: "citizen-gateway", ...expected });
  });
});

describe("resilience criteria: recovery per fault and start skew", () => {
  const limits = { recoverWithinS: 10, maxStartSkewMs: 250 };
  const fault = (id: string, more: Partial<FaultResult>): FaultResult => ({
    id,
    kind: "outage",
    link: "citizen-gateway",
    plannedStartMs: 20_000,
    plannedEndMs: 25_000,
    appliedStartMs: 20_010,
    appliedEndMs: 25_005,
    startSkewMs: 10,
    timeToDetectMs: 0,
    timeToRecoverMs: 900,
    errorRateDuring: 0.8,
    p95DuringMs: 3,
    requestsDuring: 250,
    errors: [],
    ...more,
  });
  type Brief = [id: string, status: string, observed: number | null, remark?: string];
  it.each<[string, FaultResult[], boolean, Brief[]]>([
    ["no faults: nothing to judge", [], true, []],
    [
      "recovered in time, applied on time",
      [fault("a", {})],
      true,
      [
        ["recover-a", "passed", 900],
        ["fault-start-skew", "passed", 10],
      ],
    ],
    [
      "recovered at the limit; too slow; the worst skew is the largest in size, early or late",
      [
        fault("a", { timeToRecoverMs: 10_000, startSkewMs: -300 }),
        fault("b", { timeToRecoverMs: 10_001, startSkewMs: 40 }),
      ],
      true,
      [
        ["recover-a", "passed", 10_000],
        ["recover-b", "failed", 10_001],
        ["fault-start-skew", "failed", 300],
      ],
    ],
    [
      "not recovered before the run ended",
      [fault("a", { timeToRecoverMs: null })],
      true,
      [
        ["recover-a", "failed", null, "did not recover before the run ended"],
        ["fault-start-skew", "passed", 10],
      ],
    ],
    [
      "not removed cleanly",
      [fault("a", { timeToRecoverMs: null, appliedEndMs: null })],
      true,
      [
        ["recover-a", "failed", null, "fault was not removed cleanly"],
        ["fault-start-skew", "passed", 10],
      ],
    ],
    [
      "no baseline to judge against (says so before anything else)",
      [fault("a", { timeToRecoverMs: null, appliedEndMs: null })],
      false,
      [
        ["recover-a", "not-judged", null, "no data: no steady-state baseline to judge recovery against"],
        ["fault-start-skew", "passed", 10],
      ],
    ],
    [
      "a fault never applied",
      [fault("a", {}), fault("b", { appliedStartMs: null, startSkewMs: null, timeToRecoverMs: null })],
      true,
      [
        ["recover-a", "passed", 900],
        ["recover-b", "failed", null, "did not recover before the run ended"],
        ["fault-start-skew", "failed", null, "a fault was never applied"],
      ],
    ],
  ])("%s", (_, faults, hasBaseline, expected) => {
    const got = faultCriteria(faults, hasBaseline, limits).map((c): Brief => {
      const remark = c.reason ?? c.note;
      return remark === undefined ? [c.id, c.status, c.observed] : [c.id, c.status, c.observed, remark];
    });
    expect(got).toEqual(expected);
  });

  it("titles, thresholds and units", () => {
    expect(faultCriteria([fault("a", { kind: "latency", link: "gateway-payment" })], true, limits)).toEqual([
      expect.objectContaining({
        title: "Recovered after latency on gateway-payment",
        threshold: 10_000,
        unit: "ms",
      }),
      expect.objectContaining({
        title: "Faults applied on time (worst start skew, applied − planned)",
        threshold: 250,
        unit: "ms",
      }),
    ]);
  });
});
