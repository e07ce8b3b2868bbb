import { describe, expect, it } from "vitest";
import type { K6Point } from "./k6-stream.js";
import { type LoadWindow, WindowAggregator } from "./windows.js";

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

  const own = (metric: string, tMs: number, value: number): K6Point =>
    pt(metric, tMs, value, {
      step: undefined,
      province: undefined,
      status: undefined,
      expectedResponse: undefined,
    });

  it.each<[string, K6Point[], Partial<LoadWindow>]>([
    [
      "VUs: the peaks of the gauges in the window",
      [own("vus", 100, 3), own("vus", 900, 7), own("vus_max", 100, 10), own("vus_max", 900, 12)],
      { vusBusy: 7, vusMax: 12 },
    ],
    ["no gauge sampled: null, not zero", [own("checks", 100, 1)], { vusBusy: null, vusMax: null }],
    [
      "dropped iterations are summed",
      [own("dropped_iterations", 10, 1), own("dropped_iterations", 20, 2)],
      { dropped: 3 },
    ],
    [
      "checks: passes and fails",
      [own("checks", 10, 1), own("checks", 20, 1), own("checks", 30, 0)],
      { checksPassed: 2, checksFailed: 1 },
    ],
    [
      "bytes sent and received are summed",
      [own("data_sent", 10, 100), own("data_sent", 20, 50), own("data_received", 30, 2000)],
      { bytesSent: 150, bytesReceived: 2000 },
    ],
    [
      "start lag: p50 and p99 of the window",
      [
        ...Array.from({ length: 99 }, (_, i) => own("iteration_start_lag", i, 0.5)),
        own("iteration_start_lag", 99, 20),
      ],
      { startLagP50Ms: 0.5, startLagP99Ms: 0.5 },
    ],
    [
      "no start lag (closed-model executors): null",
      [own("vus", 10, 1)],
      { startLagP50Ms: null, startLagP99Ms: null },
    ],
  ])("collects the load engine's figures per window: %s", (_name, points, expected) => {
    const agg = new WindowAggregator({ t0Ms: t0, windowMs: 1000, isSteady: () => true });
    for (const p of points) agg.add(p);
    const [first, ...rest] = agg.loadSeries();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ startMs: 0, ...expected });
  });

  it("keeps the load engine's series in breakdown windows with run totals, over the span of the requests", () => {
    const agg = new WindowAggregator({
      t0Ms: t0,
      windowMs: 1000,
      breakdownWindowMs: 2000,
      isSteady: () => true,
    });
    for (let s = 1; s <= 5; s++) {
      agg.add(own("vus", s * 1000, s));
      agg.add(own("vus_max", s * 1000, 10 + s));
    }
    agg.add(own("iteration_start_lag", 500, 0.2));
    agg.add(own("iteration_start_lag", 4500, 9));
    agg.add(own("dropped_iterations", 4600, 1));
    agg.add(own("data_sent", -5, 10)); // before t0 (setup): in the totals only
    agg.add(pt("http_req_failed", 7500, 0)); // the last request: the series reach its window
    const series = agg.loadSeries();
    expect(series.map((w) => [w.startMs, w.vusBusy, w.vusMax])).toEqual([
      [0, 1, 11],
      [2000, 3, 13],
      [4000, 5, 15],
      [6000, null, null],
    ]);
    expect(series.map((w) => w.dropped)).toEqual([0, 0, 1, 0]);
    expect(series[0]?.startLagP99Ms).toBe(0.2);
    expect(series[2]?.startLagP99Ms).toBe(9);
    expect(agg.vusBusyPeak).toBe(5);
    expect(agg.vusMaxPeak).toBe(15);
    expect(agg.droppedIterations).toBe(1);
    expect(agg.bytesSent).toBe(10);
    expect(agg.startLag.totalCount).toBe(2);
    // Engine samples are not requests: no step or province tallies appear for them.
    expect([...agg.perStep.keys()]).toEqual(["browse"]);
  });
});

describe("failover as the load saw it", () => {
  const write = (tMs: number, failed: boolean, status = failed ? "503" : "201") =>
    pt("http_req_failed", tMs, failed ? 1 : 0, { step: "submit", status, expectedResponse: String(!failed) });

  it.each<[string, Array<[number, boolean]>, number | null, number | null]>([
    [
      "refusals between the loss and the first write are counted, out of order too",
      [
        [500, true],
        [1500, true],
        [1200, true],
        [4000, false],
        [3000, true],
        [5000, true],
        [900, false],
      ],
      4000,
      3,
    ],
    [
      "no write after the loss: every failed write counts",
      [
        [1500, true],
        [2500, true],
      ],
      null,
      2,
    ],
    [
      "a write at once: none refused",
      [
        [1000, false],
        [1100, true],
      ],
      1000,
      0,
    ],
  ])("%s", (_, writes, firstWrite, refused) => {
    const agg = new WindowAggregator({
      t0Ms: t0,
      windowMs: 1000,
      isSteady: () => true,
      firstWriteAfterMs: 1000,
    });
    for (const [t, failed] of writes) agg.add(write(t, failed));
    // another step's failures are not writes
    agg.add(pt("http_req_failed", 2000, 1, { step: "browse", status: "503" }));
    agg.finish();
    expect(agg.firstWriteMs).toBe(firstWrite);
    expect(agg.refusedWritesDuringFailover).toBe(refused);
  });

  it("without a primary loss there is no figure", () => {
    const agg = new WindowAggregator({ t0Ms: t0, windowMs: 1000, isSteady: () => true });
    agg.add(write(100, true));
    expect(agg.refusedWritesDuringFailover).toBeNull();
  });
});
