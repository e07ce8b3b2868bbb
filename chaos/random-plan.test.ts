import { describe, expect, it } from "vitest";
import { faultEnd } from "./plan.js";
import { randomPlan } from "./random-plan.js";

describe("randomPlan", () => {
  it("is reproducible from its seed and differs between seeds", () => {
    const o = { loadDurationS: 120, baselineS: 10 };
    expect(randomPlan({ ...o, seed: 7 })).toEqual(randomPlan({ ...o, seed: 7 }));
    expect(randomPlan({ ...o, seed: 7 }).faults).not.toEqual(randomPlan({ ...o, seed: 8 }).faults);
  });

  it("keeps the baseline, never overlaps and ends every fault before the load ends, over many seeds", () => {
    const kinds = new Set<string>();
    for (let seed = 0; seed < 300; seed++) {
      const loadDurationS = 30 + (seed % 7) * 40;
      const plan = randomPlan({ seed, loadDurationS, baselineS: 10 });
      expect(plan.faults.length).toBeGreaterThan(0);
      let lastEnd = 0;
      for (const f of plan.faults) {
        kinds.add(f.kind);
        expect(f.startS).toBeGreaterThanOrEqual(10);
        expect(f.startS).toBeGreaterThanOrEqual(lastEnd);
        expect(faultEnd(f)).toBeLessThanOrEqual(loadDurationS - 5 + 1e-9);
        lastEnd = faultEnd(f);
      }
    }
    expect(kinds.size).toBe(10);
  });

  it("draws only from the links it is given", () => {
    const plan = randomPlan({ seed: 3, loadDurationS: 100, baselineS: 10, links: ["citizen-gateway"] });
    expect(new Set(plan.faults.map((f) => f.link))).toEqual(new Set(["citizen-gateway"]));
  });

  it("refuses a load too short for a baseline and one fault", () => {
    expect(() => randomPlan({ seed: 1, loadDurationS: 15, baselineS: 10 })).toThrow(
      /needs 7 s after the 10 s baseline/,
    );
  });
});
