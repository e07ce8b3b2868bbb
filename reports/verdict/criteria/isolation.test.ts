import { describe, expect, it } from "vitest";
import { recordMs } from "../../../engine/metrics/histogram.js";
import { newTally, type Tally } from "../../analysis/windows.js";
import type { Criterion } from "../schema.js";
import { identityIsolationCriteria, isolationIntervals } from "./isolation.js";
import type { AppliedFault } from "./shedding.js";

const tally = (n: number, ms: number): Tally => {
  const t = newTally();
  for (let i = 0; i < n; i++) recordMs(t.hist, ms);
  t.requests = n;
  return t;
};
const slowIdentity: AppliedFault = {
  id: "identity-slowdown",
  link: "gateway-identity",
  start: 15_000,
  end: 25_000,
};
const slowMeetings: AppliedFault = {
  id: "slow-meetings",
  link: "gateway-meetings",
  start: 15_000,
  end: 25_000,
};

describe("identity-isolation", () => {
  it.each<[string, AppliedFault[], Record<string, Tally>, Criterion["status"], number | null, number]>([
    [
      "identity-free steps unaffected: passed",
      [slowIdentity],
      { "isolation:baseline": tally(500, 20), "isolation:identity-slowdown": tally(500, 25) },
      "passed",
      25,
      120,
    ],
    [
      "a cascade: identity-free steps slow with identity, failed",
      [slowIdentity],
      { "isolation:baseline": tally(500, 20), "isolation:identity-slowdown": tally(500, 4000) },
      "failed",
      4000,
      120,
    ],
    [
      "a slow baseline: the factor decides the limit",
      [slowIdentity],
      { "isolation:baseline": tally(500, 400), "isolation:identity-slowdown": tally(500, 550) },
      "passed",
      550,
      600,
    ],
    [
      "no identity fault: not judged",
      [slowMeetings],
      { "isolation:baseline": tally(500, 20) },
      "not-judged",
      null,
      120,
    ],
    [
      "nothing answered during the fault: not judged",
      [slowIdentity],
      { "isolation:baseline": tally(500, 20) },
      "not-judged",
      null,
      120,
    ],
  ])("%s", (_, faults, tallies, status, observed, threshold) => {
    const [c] = identityIsolationCriteria({
      faults,
      intervals: new Map(Object.entries(tallies)),
      p95Factor: 1.5,
      p95SlackMs: 100,
      errorRateTolerancePp: 1,
    });
    expect(c).toMatchObject({ id: "identity-isolation", status, observed });
    if (status !== "not-judged") expect(c?.threshold).toBeCloseTo(threshold, -1);
    else expect(c?.reason).toBeTruthy();
  });

  it("tallies identity-free requests only, and only when identity is faulted", () => {
    expect(isolationIntervals([slowMeetings], { fromMs: 2000, toMs: 15_000 })).toEqual([]);
    const specs = isolationIntervals([slowIdentity], { fromMs: 2000, toMs: 15_000 });
    expect(specs.map((s) => [s.id, s.fromMs, s.toMs])).toEqual([
      ["isolation:baseline", 2000, 15_000],
      ["isolation:identity-slowdown", 15_000, 25_000],
    ]);
    expect(specs[1]?.accept?.("sign-in", "200", 16_000)).toBe(false);
    expect(specs[1]?.accept?.("submit", "201", 16_000)).toBe(false);
    expect(specs[1]?.accept?.("status", "200", 16_000)).toBe(true);
    expect(specs[1]?.accept?.("browse", "200", 16_000)).toBe(true);
  });
});

const withErrors = (n: number, errors: number, ms: number): Tally => ({ ...tally(n, ms), errors });

describe("identity-isolation-errors", () => {
  it.each<[string, AppliedFault[], Record<string, Tally>, Criterion["status"], number | null, number]>([
    [
      "identity-free steps keep answering: passed",
      [slowIdentity],
      { "isolation:baseline": withErrors(500, 0, 20), "isolation:identity-slowdown": withErrors(500, 2, 25) },
      "passed",
      0.004,
      0.01,
    ],
    [
      "a cascade refused quickly (503s at baseline speed): failed on errors while p95 holds",
      [slowIdentity],
      {
        "isolation:baseline": withErrors(500, 0, 80),
        "isolation:identity-slowdown": withErrors(400, 300, 83),
      },
      "failed",
      0.75,
      0.01,
    ],
    [
      "a baseline with errors: the limit is its rate plus the tolerance",
      [slowIdentity],
      {
        "isolation:baseline": withErrors(1000, 20, 20),
        "isolation:identity-slowdown": withErrors(1000, 25, 20),
      },
      "passed",
      0.025,
      0.03,
    ],
    [
      "no identity fault: not judged",
      [slowMeetings],
      { "isolation:baseline": tally(500, 20) },
      "not-judged",
      null,
      0.01,
    ],
  ])("%s", (_, faults, tallies, status, observed, threshold) => {
    const criteria = identityIsolationCriteria({
      faults,
      intervals: new Map(Object.entries(tallies)),
      p95Factor: 1.5,
      p95SlackMs: 100,
      errorRateTolerancePp: 1,
    });
    const c = criteria.find((x) => x.id === "identity-isolation-errors");
    expect(c).toMatchObject({ status, observed });
    if (status !== "not-judged") expect(c?.threshold).toBeCloseTo(threshold, 6);
    else expect(c?.reason).toBeTruthy();
    if (tallies["isolation:identity-slowdown"]?.errors === 300)
      expect(criteria.find((x) => x.id === "identity-isolation")?.status).toBe("passed");
  });
});
