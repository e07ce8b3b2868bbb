import { describe, expect, it } from "vitest";
import { type ErrorBudget, errorBudget, errorBudgetCriteria } from "./error-budget.js";

describe("error budget", () => {
  it.each<[string, [slo: number, requests: number, errors: number], ErrorBudget]>([
    ["none burned", [0.01, 3000, 0], { sloErrorRate: 0.01, allowedErrors: 30, errors: 0, burned: 0 }],
    [
      "a third burned, rounded to 3 digits",
      [0.01, 3000, 10],
      { sloErrorRate: 0.01, allowedErrors: 30, errors: 10, burned: 0.333 },
    ],
    ["overspent", [0.01, 3000, 250], { sloErrorRate: 0.01, allowedErrors: 30, errors: 250, burned: 8.333 }],
    [
      "allowed errors rounded to 1 digit",
      [0.001, 1234, 1],
      { sloErrorRate: 0.001, allowedErrors: 1.2, errors: 1, burned: 0.81 },
    ],
    [
      "no requests: nothing allowed, nothing burned",
      [0.01, 0, 0],
      { sloErrorRate: 0.01, allowedErrors: 0, errors: 0, burned: null },
    ],
    [
      "an SLO of 0 errors: no budget",
      [0, 100, 3],
      { sloErrorRate: 0, allowedErrors: 0, errors: 3, burned: null },
    ],
  ])("%s", (_, [slo, requests, errors], expected) => {
    expect(errorBudget(slo, requests, errors)).toEqual(expected);
  });

  it.each<[string, number | null, number | undefined, Array<[string, number | null, string | undefined]>]>([
    ["not set in the run config: reported only", 0.5, undefined, []],
    ["within the limit", 0.5, 1, [["passed", 0.5, undefined]]],
    ["at the limit", 1, 1, [["passed", 1, undefined]]],
    ["over the limit", 1.001, 1, [["failed", 1.001, undefined]]],
    ["no requests: not judged", null, 1, [["not-judged", null, "no data: no requests"]]],
  ])("criterion: %s", (_, burned, max, expected) => {
    const got = errorBudgetCriteria({ burned }, max);
    expect(got.map((c) => [c.status, c.observed, c.reason ?? c.note])).toEqual(expected);
    for (const c of got)
      expect(c).toMatchObject({
        id: "error-budget",
        title: "Share of the run's error budget burned (errors ÷ (SLO error rate × requests))",
        threshold: max,
        unit: "ratio",
      });
  });
});
