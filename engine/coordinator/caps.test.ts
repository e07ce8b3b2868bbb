import { describe, expect, it } from "vitest";
import { Caps, EngineConfig, hardCaps } from "../config.js";
import { resolveOptions } from "../options/resolve.js";
import { planCapProblems, runtimeCapBreach } from "./caps.js";

const plan = (rate: number, vus: number, duration: string) =>
  resolveOptions(
    {
      scenarios: {
        s: { executor: "constant-arrival-rate", rate, duration, preAllocatedVUs: vus, gracefulStop: "0s" },
      },
    },
    "script.js",
  );

describe("caps: the ceilings of every run", () => {
  it("default to the hard ceilings and cannot be raised past them", () => {
    expect(Caps.parse({})).toMatchObject(hardCaps);
    expect(EngineConfig.parse({ script: "x.js" }).caps.maxBytes).toBe(hardCaps.maxBytes);
    for (const [field, ceiling] of Object.entries(hardCaps)) {
      const raised = Caps.safeParse({ [field]: ceiling * 2 });
      expect(raised.success, field).toBe(false);
      expect(raised.error?.issues[0]?.path).toEqual([field]);
      expect(Caps.safeParse({ [field]: Math.floor(ceiling / 2) }).success, field).toBe(true);
    }
  });

  it("refuse a plan over the rate, VU or duration cap, naming the option and the cap", () => {
    const caps = Caps.parse({ maxRatePerS: 100, maxVUs: 10, maxDurationS: 60 });
    expect(planCapProblems(plan(100, 10, "60s"), caps, "s.js")).toEqual([]);
    const problems = planCapProblems(plan(101, 11, "61s"), caps, "s.js");
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^s\.js: options\.scenarios: up to 11 VUs, over caps\.maxVUs 10/);
    expect(problems[1]).toMatch(/lasts up to 61 s .* over caps\.maxDurationS 60 s/);
    expect(problems[2]).toMatch(/starts up to 101 iterations\/s, over caps\.maxRatePerS 100/);
  });

  it("refuse at the hard ceiling when nothing lowered it", () => {
    expect(planCapProblems(plan(50_001, 1, "1s"), Caps.parse({}), "s.js")[0]).toMatch(
      /caps\.maxRatePerS 50000/,
    );
  });

  const totals = { elapsedS: 20, bytes: 0, requests: 1000, failedRequests: 0 };

  it("stop a running test past the byte cap", () => {
    const caps = Caps.parse({ maxBytes: 1000 });
    expect(runtimeCapBreach(caps, { ...totals, bytes: 1000 })).toBeNull();
    expect(runtimeCapBreach(caps, { ...totals, bytes: 1001 })).toBe(
      "stopped by caps.maxBytes: 1001 bytes sent and received, over the cap of 1000",
    );
  });

  it("stop on the error rate only past the grace and the minimum of requests, and only when set", () => {
    const caps = Caps.parse({ maxErrorRate: 0.5, errorRateGraceS: 10, errorRateMinRequests: 100 });
    expect(runtimeCapBreach(caps, { ...totals, failedRequests: 500 })).toBeNull();
    expect(runtimeCapBreach(caps, { ...totals, failedRequests: 501 })).toMatch(
      /^stopped by caps\.maxErrorRate: 501 of 1000 requests failed \(50\.1 %\), over the cap of 50\.0 %$/,
    );
    expect(runtimeCapBreach(caps, { ...totals, elapsedS: 9, failedRequests: 900 })).toBeNull();
    expect(runtimeCapBreach(caps, { ...totals, requests: 99, failedRequests: 99 })).toBeNull();
    expect(runtimeCapBreach(Caps.parse({}), { ...totals, failedRequests: 1000 })).toBeNull();
  });
});
