import { describe, expect, it } from "vitest";
import { randomPlan } from "../../chaos/random-plan.js";
import { resolveFaultPlan } from "./named.js";

describe("--faults random", () => {
  it("resolves random from the run's seed and random:N from seed N; needs the run to draw", () => {
    const context = { seed: 11, loadDurationS: 60, baselineS: 10 };
    expect(resolveFaultPlan("random", "faults", context)).toEqual({
      source: "random:11",
      value: randomPlan({ ...context }),
    });
    expect(resolveFaultPlan("random:12", "faults", context).value.name).toBe("random-12");
    expect(() => resolveFaultPlan("random")).toThrow(/needs the run's load and seed/);
    expect(() => resolveFaultPlan("random", "faults", { ...context, loadDurationS: 12 })).toThrow(
      /faults: a random plan needs/,
    );
  });
});
