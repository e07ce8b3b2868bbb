import { describe, expect, it } from "vitest";
import type { WindowStat } from "../analysis/windows.js";
import { faultTiming, toleranceFrom, withinTolerance } from "./resilience.js";

const win = (index: number, errorRate: number | null, p95Ms: number | null, requests = 100): WindowStat => ({
  index,
  startMs: index * 1000,
  requests: errorRate === null ? 0 : requests,
  errors: errorRate === null ? 0 : Math.round(errorRate * requests),
  errorRate,
  p50Ms: p95Ms,
  p95Ms,
  p99Ms: p95Ms,
});

const settings = { errorRateTolerancePp: 1, p95Factor: 1.5, p95SlackMs: 25 };

describe("tolerance", () => {
  it.each([
    [
      { errorRate: 0, p95Ms: 2, requests: 1 },
      { errorRateMax: 0.01, p95MaxMs: 27 },
    ],
    [
      { errorRate: 0.02, p95Ms: 100, requests: 1 },
      { errorRateMax: 0.03, p95MaxMs: 150 },
    ],
  ])("from baseline %o is %o", (baseline, expected) => {
    const t = toleranceFrom(baseline, settings);
    expect(t.errorRateMax).toBeCloseTo(expected.errorRateMax, 9);
    expect(t.p95MaxMs).toBeCloseTo(expected.p95MaxMs, 9);
  });

  it("an empty window is out of tolerance; a window without latencies is judged on errors", () => {
    const tol = { errorRateMax: 0.01, p95MaxMs: 30 };
    expect(withinTolerance(win(0, null, null), tol)).toBe(false);
    expect(withinTolerance(win(0, 0, 10), tol)).toBe(true);
    expect(withinTolerance(win(0, 0, 31), tol)).toBe(false);
    expect(withinTolerance(win(0, 0.02, 10), tol)).toBe(false);
  });
});

describe("time to detect and recover", () => {
  const tol = { errorRateMax: 0.01, p95MaxMs: 30 };
  // healthy 0-9, fault 10-14 (errors), healthy after
  const series = Array.from({ length: 30 }, (_, i) => (i >= 10 && i < 15 ? win(i, 1, null) : win(i, 0, 5)));

  it("detects at the first bad window and recovers after N good ones", () => {
    expect(faultTiming(series, 1000, 10_000, 15_000, tol, 5)).toEqual({
      timeToDetectMs: 0,
      timeToRecoverMs: 0,
    });
  });

  it("measures a slow recovery from the fault's end", () => {
    const slow = series.map((w) => (w.index >= 15 && w.index < 18 ? win(w.index, 0, 200) : w));
    expect(faultTiming(slow, 1000, 10_000, 15_000, tol, 5)).toEqual({
      timeToDetectMs: 0,
      timeToRecoverMs: 3000,
    });
  });

  it("needs N consecutive windows: a relapse restarts the count", () => {
    const relapse = series.map((w) => (w.index === 17 ? win(17, 0.5, 5) : w));
    expect(faultTiming(relapse, 1000, 10_000, 15_000, tol, 5).timeToRecoverMs).toBe(3000);
  });

  it("is null when the fault is never seen or the run never recovers", () => {
    const healthy = Array.from({ length: 30 }, (_, i) => win(i, 0, 5));
    expect(faultTiming(healthy, 1000, 10_000, 15_000, tol, 5).timeToDetectMs).toBeNull();
    const broken = series.map((w) => (w.index >= 10 ? win(w.index, 1, null) : w));
    expect(faultTiming(broken, 1000, 10_000, 15_000, tol, 5).timeToRecoverMs).toBeNull();
  });

  it("detection delay is measured from the fault's start", () => {
    const late = series.map((w) => (w.index >= 10 && w.index < 12 ? win(w.index, 0, 5) : w));
    expect(faultTiming(late, 1000, 10_000, 15_000, tol, 5).timeToDetectMs).toBe(2000);
  });
});
