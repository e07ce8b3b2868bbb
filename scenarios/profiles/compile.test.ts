import { describe, expect, it } from "vitest";
import { compileProfile, levelAt, peakRequestsPerS, plannedIterations, shapeTimes } from "./compile.js";
import { Profile } from "./schema.js";

const profile = (over: Partial<Record<string, unknown>> = {}): Profile =>
  Profile.parse({
    schemaVersion: 1,
    name: "t",
    description: "",
    peakUsers: { value: 50_000, standing: "published", source: "s" },
    requestIntervalS: { value: 10, standing: "assumption", source: "s" },
    scale: 0.01,
    compression: 3600,
    shape: [
      { hour: 8, level: 0 },
      { hour: 9, level: 1 },
      { hour: 10, level: 0.5 },
    ],
    mix: { browse: 0.6, status: 0.25, submit: 0.1, payment: 0.05 },
    mixStanding: "assumption",
    provinces: { count: 34 },
    assumptions: [],
    ...over,
  });

describe("profile maths", () => {
  it("peak rate is users / interval × scale", () => {
    expect(peakRequestsPerS(profile())).toBe(50);
    expect(peakRequestsPerS(profile(), 1)).toBe(5000);
  });

  it.each([
    [0, 0],
    [0.5, 0.5],
    [1, 1],
    [1.5, 0.75],
    [2, 0.5],
    [5, 0.5],
    [-1, 0],
  ])("level at %s s is %s (linear between shape points, compression 3600)", (t, level) => {
    expect(levelAt(profile(), t)).toBeCloseTo(level, 9);
  });

  it("compresses the day: one hour per second at compression 3600", () => {
    expect(shapeTimes(profile())).toEqual([0, 1, 2]);
  });

  it("splits the mix into arrival-rate scenarios and says what is not run", () => {
    const c = compileProfile(profile());
    expect(c.durationS).toBe(2);
    const browse = c.scenarios.find((s) => s.name === "citizen_browse");
    const submit = c.scenarios.find((s) => s.name === "citizen_submit");
    expect(browse?.peakIterationsPerS).toBe(30); // 60 % of 50 requests/s
    expect(browse?.stages).toEqual([
      { durationS: 1, target: 30 },
      { durationS: 1, target: 15 },
    ]);
    expect(submit?.peakIterationsPerS).toBe(5);
    expect(c.pollsPerSubmission).toBeCloseTo(2.5);
    expect(submit?.requestsPerIteration).toBeCloseTo(3.5);
    expect(c.notRun).toEqual([{ step: "payment", share: 0.05 }]);
  });

  it("planned iterations are the area under the rate curve", () => {
    const browse = compileProfile(profile({ scale: 1 })).scenarios[0];
    if (!browse) throw new Error("no scenario");
    // 0→3000/s over 1 s, then 3000→1500/s over 1 s: 1500 + 2250
    expect(plannedIterations(browse)).toBeCloseTo(3750, 6);
  });

  it("rejects a mix that does not add up and hours that go back", () => {
    const r = Profile.safeParse({
      ...profile(),
      mix: { browse: 0.5 },
      shape: [
        { hour: 9, level: 1 },
        { hour: 8, level: 1 },
      ],
    });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["mix", "shape.1.hour"]));
  });
});
