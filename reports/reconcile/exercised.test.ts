import { describe, expect, it } from "vitest";
import { exercised, keyRetriesReachedPortal, stuckDeadlineMissed } from "./exercised.js";
import type { DossierRecord } from "./records.js";

const rec = (at: number, retriesAfterReach?: number): DossierRecord => ({
  ph: "dossier",
  kind: "acknowledged",
  key: `k${at}`,
  code: `C${at}`,
  at,
  attempts: 1 + (retriesAfterReach ?? 0),
  ...(retriesAfterReach === undefined ? {} : { retriesAfterReach }),
  province: "H01",
});

describe("what the run exercised", () => {
  it.each<[string, DossierRecord[], number | null]>([
    ["no dossier", [], 0],
    ["no retry reached the portal", [rec(1, 0), rec(2, 0)], 0],
    ["two dossiers retried after reaching it, one twice", [rec(1, 2), rec(2, 0), rec(3, 1)], 2],
    ["records of an older run do not say", [rec(1), rec(2)], null],
  ])("retries that put a key to the test: %s", (_, records, expected) => {
    expect(keyRetriesReachedPortal(records)).toBe(expected);
  });

  it.each<[string, number[], number, string | null]>([
    ["none acknowledged", [], 100_000, "no dossier was acknowledged"],
    ["the oldest was acknowledged long enough ago", [50_000, 39_000], 100_000, null],
    ["exactly the deadline", [40_000], 100_000, null],
    [
      "every dossier younger than the deadline",
      [58_000, 70_000],
      100_000,
      "the deadline (60 s) does not fit in the time left after submissions: the oldest acknowledged dossier was 42.0 s old when reconciliation looked",
    ],
  ])("the stuck deadline: %s", (_, ats, lookedAt, expected) => {
    expect(
      stuckDeadlineMissed(
        ats.map((at) => ({ at })),
        lookedAt,
        60_000,
      ),
    ).toBe(expected);
  });

  it.each<[string, number | null, number[], { stuck: number | null; stuckReason?: string; notes: number }]>([
    ["deadline fits: stuck stays judged", 0, [10_000], { stuck: 0, notes: 0 }],
    [
      "deadline missed: stuck becomes null with the reason",
      0,
      [90_000],
      { stuck: null, stuckReason: "x", notes: 1 },
    ],
    ["a stuck dossier found anyway stays counted", 2, [90_000], { stuck: 2, notes: 0 }],
    [
      "already null (nothing progressed): the reason is the deadline's",
      null,
      [90_000],
      { stuck: null, stuckReason: "x", notes: 0 },
    ],
  ])("on the summary: %s", (_, stuck, ats, expected) => {
    const summary: { stuck: number | null; stuckReason?: string; notes: string[] } = { stuck, notes: [] };
    exercised(
      summary,
      ats.map((at) => rec(at, 1)),
      100_000,
      60_000,
    );
    expect(summary.stuck).toBe(expected.stuck);
    expect(summary.notes).toHaveLength(expected.notes);
    if (expected.stuckReason) expect(summary.stuckReason).toMatch(/^the deadline \(60 s\) does not fit/);
    else expect(summary.stuckReason).toBeUndefined();
  });
});
