import { describe, expect, it } from "vitest";
import { fromCatalogue, type Judgement, judge, judgeUnless, type NotJudged, notJudged } from "./judge.js";

const base: Judgement = { id: "x", title: "X", observed: 5, threshold: 5, unit: "ms" };

describe("judge: one criterion", () => {
  it.each<[string, Partial<Judgement>, boolean]>([
    ["at the threshold passes (<=)", {}, true],
    ["above it fails (<=)", { observed: 5.01 }, false],
    ["below it passes (<=)", { observed: 0 }, true],
    ["nothing observed fails", { observed: null }, false],
    ["at the threshold passes (>=)", { comparison: ">=" }, true],
    ["below it fails (>=)", { observed: 4.99, comparison: ">=" }, false],
    ["nothing observed fails (>=)", { observed: null, comparison: ">=" }, false],
  ])("%s", (_, change, passed) => {
    const c = judge({ ...base, ...change });
    expect(c.passed).toBe(passed);
    expect(c.status).toBe(passed ? "passed" : "failed");
  });

  it.each<[string, Partial<Judgement>, object]>([
    ["no comparison and no note by default", {}, {}],
    ["`<=` is never written out", { comparison: "<=" }, {}],
    ["`>=` is", { comparison: ">=" }, { comparison: ">=" }],
    ["a note when given", { note: "why" }, { note: "why" }],
    ["no note when it is undefined", { note: undefined }, {}],
  ])("writes %s", (_, change, extra) => {
    expect(judge({ ...base, ...change })).toStrictEqual({
      id: "x",
      title: "X",
      status: "passed",
      passed: true,
      observed: 5,
      threshold: 5,
      unit: "ms",
      ...extra,
    });
  });

  it("keeps the verdict's key order: id, title, status, passed, observed, threshold, unit, comparison, note", () => {
    const c = judge({ ...base, note: "n", comparison: ">=" });
    expect(Object.keys(c)).toEqual([
      "id",
      "title",
      "status",
      "passed",
      "observed",
      "threshold",
      "unit",
      "comparison",
      "note",
    ]);
  });
});

describe("not judged: neither a pass nor a failure", () => {
  it.each<[NotJudged, string]>([
    [
      { because: "not-exercised", reason: "no retry reached the portal" },
      "not exercised in this run: no retry reached the portal",
    ],
    [
      { because: "not-exposed", reason: "the target has no /metrics" },
      "the target does not expose it: the target has no /metrics",
    ],
    [{ because: "no-data", reason: "no steady-state requests" }, "no data: no steady-state requests"],
  ])("%o", (why, reason) => {
    const c = notJudged({ ...base, observed: 7 }, why);
    expect(c).toStrictEqual({
      id: "x",
      title: "X",
      status: "not-judged",
      passed: false,
      observed: 7,
      threshold: 5,
      unit: "ms",
      reason,
      notJudgedBecause: why.because,
    });
  });

  it.each<[string, NotJudged | null, string]>([
    ["judged without a why (above: failed)", null, "failed"],
    ["not judged with one, whatever the figure", { because: "no-data", reason: "r" }, "not-judged"],
  ])("judgeUnless: %s", (_, why, status) => {
    expect(judgeUnless({ ...base, observed: 6 }, why).status).toBe(status);
  });

  it("takes titles and units from the catalogue, and refuses an id it does not hold", () => {
    expect(fromCatalogue("dossiers-lost")).toEqual({
      id: "dossiers-lost",
      title: "Acknowledged dossiers the portal cannot find",
      unit: "dossiers",
    });
    expect(() => fromCatalogue("no-such-criterion")).toThrow(/not in the catalogue/);
  });
});
