import { describe, expect, it } from "vitest";
import { bandwidthFault, bandwidthParams, bandwidthRateKBps } from "./bandwidth.js";
import { flappingParams, flappingSteps } from "./flapping.js";
import { faultKindNames, faultKinds } from "./index.js";
import { rampParams, rampSteps } from "./ramp.js";

const shape = (steps: Array<{ atMs: number; phase: string; label: string }>) =>
  steps.map((s) => `${s.atMs} ${s.phase} ${s.label}`);

describe("fault steps", () => {
  it("every kind starts with its apply at 0 and ends with its remove at the fault's end", () => {
    const sample: Record<string, unknown> = {
      latency: { latencyMs: 10 },
      bandwidth: { rateKBps: 10 },
      outage: {},
      blackhole: {},
      "reset-peer": {},
      "slow-close": { delayMs: 10 },
      "limit-data": { bytes: 10 },
      slicer: { averageSize: 10 },
      flapping: { periodS: 1 },
      ramp: { of: "latency", fromMs: 0, toMs: 10 },
    };
    for (const name of faultKindNames) {
      const kind = faultKinds[name];
      const steps = kind.steps(kind.params.parse(sample[name]) as never, 5000);
      expect(steps[0], name).toMatchObject({ atMs: 0, phase: "apply" });
      expect(steps.at(-1), name).toMatchObject({ atMs: 5000, phase: "remove" });
      expect(steps.slice(1, -1).every((s) => s.phase === "step")).toBe(true);
      const times = steps.map((s) => s.atMs);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
  });

  it.each([
    [
      { periodS: 1 },
      2500,
      [
        "0 apply down 1/3",
        "500 step up 1/3",
        "1000 step down 2/3",
        "1500 step up 2/3",
        "2000 step down 3/3",
        "2500 remove up (end)",
      ],
    ],
    [
      { periodS: 1, downFraction: 0.8 },
      1000,
      ["0 apply down 1/1", "800 step up 1/1", "1000 remove up (end)"],
    ],
  ])("flapping %j over %i ms", (params, durationMs, expected) => {
    expect(shape(flappingSteps(flappingParams.parse(params), durationMs))).toEqual(expected);
  });

  it("ramps latency up and bandwidth down in equal parts of the window", () => {
    expect(
      shape(rampSteps(rampParams.parse({ of: "latency", fromMs: 100, toMs: 400, steps: 4 }), 8000)),
    ).toEqual([
      "0 apply latency 100 ms (1/4)",
      "2000 step latency 200 ms (2/4)",
      "4000 step latency 300 ms (3/4)",
      "6000 step latency 400 ms (4/4)",
      "8000 remove remove",
    ]);
    expect(
      shape(rampSteps(rampParams.parse({ of: "bandwidth", fromKBps: 1000, toKBps: 100, steps: 3 }), 3000)),
    ).toEqual([
      "0 apply bandwidth 1000 KB/s (1/3)",
      "1000 step bandwidth 550 KB/s (2/3)",
      "2000 step bandwidth 100 KB/s (3/3)",
      "3000 remove remove",
    ]);
  });

  it.each([
    [{ sharedUplink: { mbps: 200, users: 500 } }, 50],
    [{ sharedUplink: { mbps: 200, users: 1 } }, 25_000],
    [{ sharedUplink: { mbps: 1, users: 1_000_000 } }, 1],
    [{ rateKBps: 64 }, 64],
  ])("bandwidth %j is %i KB/s per connection", (params, rate) => {
    expect(bandwidthRateKBps(bandwidthParams.parse(params))).toBe(rate);
  });

  it("labels a shared uplink as an approximation, and a plain rate as per connection", () => {
    expect(
      bandwidthFault.describe(bandwidthParams.parse({ sharedUplink: { mbps: 200, users: 500 } })),
    ).toMatch(/50 KB\/s per connection = 200 Mbps shared by 500 users \(APPROXIMATION/);
    expect(bandwidthFault.describe(bandwidthParams.parse({ rateKBps: 64 }))).toBe(
      "64 KB/s per connection (downstream)",
    );
  });
});
