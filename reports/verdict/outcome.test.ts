import { describe, expect, it } from "vitest";
import type { HeldPlan } from "./outcome.js";
import { inconclusiveReasons, outcomeOf } from "./outcome.js";
import type { Criterion } from "./schema.js";

const held: HeldPlan = {
  plannedIterations: 3000,
  droppedIterations: 0,
  maxDroppedIterationsShare: 0.001,
  totalRequests: 3000,
  engineStatus: "completed",
  hasBaseline: true,
  faults: 1,
  generatorCpu: { value: 0.1 },
};

describe("inconclusive: the run cannot be judged either way", () => {
  it.each<[string, Partial<HeldPlan>, string[]]>([
    ["the plan was held", {}, []],
    ["dropped iterations within the allowed share", { droppedIterations: 3 }, []],
    [
      "dropped beyond it",
      { droppedIterations: 4 },
      ["the load generator dropped 4 of 3000 planned iterations (0.13 %): the plan was not held"],
    ],
    [
      "planned iterations are printed rounded",
      { plannedIterations: 99.6, droppedIterations: 1 },
      ["the load generator dropped 1 of 100 planned iterations (1.00 %): the plan was not held"],
    ],
    ["nothing planned: no share to exceed", { plannedIterations: 0, droppedIterations: 5 }, []],
    ["no request was made", { totalRequests: 0 }, ["no request was made"]],
    [
      "the engine ended in an error",
      { engineStatus: "error" },
      ["the load engine ended error, not as planned"],
    ],
    ["interrupted", { engineStatus: "interrupted" }, ["the load engine ended interrupted, not as planned"]],
    [
      "aborted by the script",
      { engineStatus: "aborted-by-script" },
      ["the load engine ended aborted-by-script, not as planned"],
    ],
    ["thresholds failed: judged (safety-abort), not inconclusive", { engineStatus: "thresholds-failed" }, []],
    ["aborted by a threshold: judged too", { engineStatus: "aborted-by-threshold" }, []],
    [
      "no baseline before the first fault",
      { hasBaseline: false },
      ["no steady-state baseline before the first fault"],
    ],
    ["no baseline, but no fault either", { hasBaseline: false, faults: 0 }, []],
    [
      "the generator's CPU saturated",
      { generatorCpu: { value: 0.95 } },
      ["the load generator's CPU was saturated (95 % of all cores on average over the load)"],
    ],
    ["the generator's CPU not measured", { generatorCpu: { value: null } }, []],
    [
      "every reason, in order",
      {
        droppedIterations: 300,
        totalRequests: 0,
        engineStatus: "error",
        hasBaseline: false,
        generatorCpu: { value: 0.999 },
      },
      [
        "the load generator dropped 300 of 3000 planned iterations (10.00 %): the plan was not held",
        "no request was made",
        "the load engine ended error, not as planned",
        "no steady-state baseline before the first fault",
        "the load generator's CPU was saturated (100 % of all cores on average over the load)",
      ],
    ],
  ])("%s", (_, change, expected) => {
    expect(inconclusiveReasons({ ...held, ...change })).toEqual(expected);
  });
});

describe("outcome", () => {
  const c = (passed: boolean): Criterion => ({
    id: "x",
    title: "x",
    passed,
    observed: 0,
    threshold: 0,
    unit: "",
  });
  it.each<[string, Criterion[], string[], string]>([
    ["every criterion passed", [c(true), c(true)], [], "passed"],
    ["no criterion at all", [], [], "passed"],
    ["one failed", [c(true), c(false)], [], "failed"],
    ["inconclusive beats passed", [c(true)], ["no request was made"], "inconclusive"],
    ["inconclusive beats failed", [c(false)], ["no request was made"], "inconclusive"],
  ])("%s: %s", (_, criteria, reasons, expected) => {
    expect(outcomeOf(criteria, reasons)).toBe(expected);
  });
});
