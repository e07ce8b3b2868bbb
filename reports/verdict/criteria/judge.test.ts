import { describe, expect, it } from "vitest";
import { type Judgement, judge } from "./judge.js";

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
    expect(judge({ ...base, ...change }).passed).toBe(passed);
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
      passed: true,
      observed: 5,
      threshold: 5,
      unit: "ms",
      ...extra,
    });
  });

  it("keeps the verdict's key order: id, title, passed, observed, threshold, unit, comparison, note", () => {
    const c = judge({ ...base, note: "n", comparison: ">=" });
    expect(Object.keys(c)).toEqual([
      "id",
      "title",
      "passed",
      "observed",
      "threshold",
      "unit",
      "comparison",
      "note",
    ]);
  });
});
