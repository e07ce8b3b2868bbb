import { describe, expect, it } from "vitest";
import type { K6Point } from "./k6-stream.js";
import { WindowAggregator } from "./windows.js";

const t0 = 1_000_000;
const pt = (metric: string, tMs: number, value: number, extra: Partial<K6Point> = {}): K6Point => ({
  metric,
  timeMs: t0 + tMs,
  value,
  step: "browse",
  province: "H01",
  status: "200",
  expectedResponse: "true",
  retryAfter: undefined,
  ...extra,
});

describe("window aggregation", () => {
  it("builds overall, per-step and per-province series with percentiles, and steady-state tallies", () => {
    const agg = new WindowAggregator({
      t0Ms: t0,
      windowMs: 1000,
      breakdownWindowMs: 2000,
      isSteady: (t) => t < 2000,
      intervals: [{ id: "fault:x", fromMs: 2000, toMs: 3000 }],
    });
    for (let i = 0; i < 100; i++) {
      const step = i % 2 === 0 ? "browse" : "submit";
      agg.add(pt("http_req_failed", i * 30, i >= 70 ? 1 : 0, { step, province: i < 50 ? "H01" : "H02" }));
      agg.add(pt("http_req_duration", i * 30, i < 70 ? 10 : 500, { step, province: i < 50 ? "H01" : "H02" }));
    }
    const series = agg.finish();
    expect(series.map((w) => w.requests)).toEqual([34, 33, 33]);
    expect(series[2]?.errors).toBe(30);
    expect(series[0]?.p95Ms).toBeCloseTo(10, 0);
    expect(series[2]?.p95Ms).toBeCloseTo(500, -1);
    expect(agg.perInterval.get("fault:x")?.requests).toBe(33);
    expect(agg.steadyRequests).toBe(67);
    expect(agg.steadyErrors).toBe(0);
    expect(agg.perStepSteady.get("browse")?.requests).toBe(34);
    const steps = agg.breakdown("step");
    expect(steps.map((s) => s.key)).toEqual(["browse", "submit"]);
    expect(steps[0]?.series.map((w) => w.startMs)).toEqual([0, 2000]);
    const provinces = agg.breakdown("province");
    expect(provinces.map((p) => p.key)).toEqual(["H01", "H02"]);
    expect(provinces[1]?.series.reduce((s, w) => s + w.errors, 0)).toBe(30);
    expect(agg.statuses.get("200")).toBe(100);
  });

  it("keeps only recent windows open: a very late sample counts in totals but not in a closed window", () => {
    const agg = new WindowAggregator({ t0Ms: t0, windowMs: 1000, isSteady: () => true, horizonMs: 5000 });
    agg.add(pt("http_req_failed", 500, 0));
    agg.add(pt("http_req_failed", 20_500, 0));
    agg.add(pt("http_req_failed", 600, 1)); // 20 s late
    const series = agg.finish();
    expect(series).toHaveLength(21);
    expect(series[0]?.requests).toBe(1);
    expect(agg.totalRequests).toBe(3);
    expect(agg.totalErrors).toBe(1);
    expect(series[5]).toMatchObject({ requests: 0, errorRate: null, p95Ms: null });
  });

  it("ignores durations of refused connections and counts Retry-After behaviour", () => {
    const agg = new WindowAggregator({ t0Ms: t0, windowMs: 1000, isSteady: () => true });
    agg.add(pt("http_req_duration", 10, 0, { status: "0", expectedResponse: "false" }));
    expect(agg.all.totalCount).toBe(0);
    agg.add(pt("retry_wait_ms", 10, 1000, { retryAfter: "1", status: "503" }));
    agg.add(pt("retry_wait_ms", 10, 250, { retryAfter: "1", status: "503" }));
    agg.add(pt("retry_wait_ms", 10, 250, { retryAfter: "none", status: "429" }));
    agg.add(pt("retry_wait_ms", 10, 250, { retryAfter: "none", status: "0" })); // refused connection: no headers
    expect(agg.retry).toEqual({ retries: 4, afterRefusal: 3, withRetryAfter: 2, honoured: 1 });
    agg.add(pt("dropped_iterations", 10, 4));
    expect(agg.droppedIterations).toBe(4);
  });
});
