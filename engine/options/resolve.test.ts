import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../kernel/errors.js";
import { resolveOptions } from "./resolve.js";

const problems = (raw: unknown, overrides = {}): string[] => {
  try {
    resolveOptions(raw, "script.js", overrides);
  } catch (e) {
    if (isHarnessError(e)) return [...e.lines];
    throw e;
  }
  return [];
};

describe("k6 options as the engine runs them", () => {
  it("fills k6's defaults and turns durations into milliseconds", () => {
    const o = resolveOptions(
      {
        scenarios: { s: { executor: "constant-arrival-rate", rate: 10, duration: "1m", preAllocatedVUs: 5 } },
      },
      "script.js",
    );
    expect(o.scenarios[0]).toMatchObject({
      name: "s",
      exec: "default",
      startTimeMs: 0,
      gracefulStopMs: 30_000,
      timeUnitMs: 1000,
      durationMs: 60_000,
      preAllocatedVUs: 5,
      maxVUs: 5,
    });
    expect(o.summaryTrendStats).toEqual(["avg", "min", "med", "max", "p(90)", "p(95)"]);
    expect(o.setupTimeoutMs).toBe(60_000);
    expect(o.maxRedirects).toBe(10);
    expect(o.idleTimeoutMs).toBe(2000);
  });

  it.each([
    [
      { vus: 5, duration: "30s" },
      { executor: "constant-vus", vus: 5, durationMs: 30_000 },
    ],
    [
      { vus: 2, iterations: 10 },
      { executor: "shared-iterations", vus: 2, iterations: 10, durationMs: 600_000 },
    ],
    [{ stages: [{ duration: "10s", target: 4 }] }, { executor: "ramping-vus", startVUs: 1, maxVUs: 4 }],
    [{}, { executor: "shared-iterations", vus: 1, iterations: 1 }],
  ])("shortcut %j becomes k6's default scenario", (raw, expected) => {
    const o = resolveOptions(raw, "script.js");
    expect(o.scenarios).toHaveLength(1);
    expect(o.scenarios[0]).toMatchObject({ name: "default", ...expected });
  });

  it("lets --vus/--duration/--iterations replace the script's scenarios, as k6 run does", () => {
    const o = resolveOptions(
      { scenarios: { a: { executor: "constant-vus", vus: 3, duration: "1m" } } },
      "script.js",
      { vus: 2, iterations: 7 },
    );
    expect(o.scenarios).toEqual([
      expect.objectContaining({ name: "default", executor: "shared-iterations", vus: 2, iterations: 7 }),
    ]);
  });

  it("lists every bad option by path, names unsupported k6 options and never ignores one", () => {
    const lines = problems({
      hosts: { a: "b" },
      frobnicate: true,
      scenarios: {
        x: { executor: "constant-arrival-rate", rate: 10, duration: "soon", preAllocatedVUs: 1 },
        y: { executor: "externally-controlled" },
        z: { executor: "constant-vus", duration: "1s", vus: -1 },
      },
      thresholds: { http_req_duration: ["p95<1"], "bad-name": ["avg<1"] },
      summaryTrendStats: ["p(95)", "mean"],
    });
    const text = lines.join("\n");
    expect(text).toMatch(/options\.hosts: k6 option "hosts" is not supported by this engine/);
    expect(text).toMatch(/options\.frobnicate: unknown option "frobnicate"/);
    expect(text).toMatch(/options\.scenarios\.x\.duration: not a duration/);
    expect(text).toMatch(/options\.scenarios\.y\.executor: executor must be one of/);
    expect(text).toMatch(/options\.scenarios\.z\.vus/);
    expect(lines.every((l) => l.startsWith("script.js: "))).toBe(true);
    const second = problems({
      thresholds: { http_req_duration: ["p95<1"], "bad-name": ["avg<1"] },
      summaryTrendStats: ["p(95)", "mean"],
      executionSegment: "1/2:1/4",
    }).join("\n");
    expect(second).toMatch(/thresholds\["http_req_duration"\]\[0\]: "p95<1" is not a threshold/);
    expect(second).toMatch(/"bad-name" is not a metric name/);
    expect(second).toMatch(/summaryTrendStats\[1\]: "mean"/);
    expect(second).toMatch(/executionSegment/);
  });

  it("refuses scenarios mixed with shortcuts", () => {
    expect(
      problems({ vus: 2, scenarios: { a: { executor: "constant-vus", duration: "1s" } } }).join(),
    ).toMatch(/either scenarios or the shortcuts/);
  });
});
