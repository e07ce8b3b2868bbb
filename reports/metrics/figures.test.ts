import { describe, expect, it } from "vitest";
import { counterIncrease, drainTime, targetFigures } from "./figures.js";
import { parsePrometheusText } from "./prometheus.js";
import type { MetricsSample } from "./scraper.js";

describe("Prometheus text", () => {
  it("reads names, label sets (order-insensitive), special values, and skips comments", () => {
    const text = [
      "# HELP portal_gateway_queue_depth waiting requests",
      "# TYPE portal_gateway_queue_depth gauge",
      "portal_gateway_queue_depth 7",
      'portal_dossier_writes_total{service="dossier",role="standby"} 12 1700000000000',
      "portal_x +Inf",
      "garbage",
    ].join("\n");
    expect(parsePrometheusText(text)).toEqual({
      portal_gateway_queue_depth: 7,
      'portal_dossier_writes_total{role="standby",service="dossier"}': 12,
      portal_x: Number.POSITIVE_INFINITY,
    });
  });
});

const t0 = 10_000;
const sample = (tMs: number, values: Record<string, number>): MetricsSample => ({
  at: t0 + tMs,
  ok: true,
  values,
});

describe("queue, failover and sync figures", () => {
  it("counter increase tolerates resets; drain time runs from the peak to the first zero", () => {
    expect(counterIncrease([{ v: 5 }, { v: 8 }, { v: 2 }, { v: 4 }])).toBe(3 + 2 + 2);
    expect(
      drainTime([
        { tMs: 0, v: 0 },
        { tMs: 500, v: 9 },
        { tMs: 1000, v: 3 },
        { tMs: 1500, v: 0 },
      ]),
    ).toEqual({ peak: 9, peakAtMs: 500, drainMs: 1000 });
    expect(
      drainTime([
        { tMs: 0, v: 1 },
        { tMs: 500, v: 2 },
      ]).drainMs,
    ).toBeNull();
  });

  it("measures failover from primary loss to the first successful write, and says why a figure is missing", () => {
    const samples: MetricsSample[] = [
      sample(-100, {
        portal_gateway_queue_depth: 0,
        portal_gateway_shed_total: 3,
        portal_failover_events_total: 0,
      }),
      sample(1000, {
        portal_gateway_queue_depth: 40,
        portal_gateway_shed_total: 10,
        portal_failover_events_total: 0,
      }),
      { at: t0 + 1500, ok: false, error: "connection refused" },
      sample(2000, {
        portal_gateway_queue_depth: 5,
        portal_gateway_shed_total: 25,
        'portal_failover_events_total{node="standby"}': 1,
        'portal_dossier_writes_total{role="standby"}': 0,
      }),
      sample(3500, {
        portal_gateway_queue_depth: 0,
        portal_gateway_shed_total: 25,
        portal_failover_events_total: 1,
        'portal_dossier_writes_total{role="primary"}': 50,
        'portal_dossier_writes_total{role="standby"}': 4,
      }),
    ];
    const f = targetFigures(
      samples,
      t0,
      { atMs: 800, faultId: "primary-down", firstWriteAfterMs: 3400 },
      "unused",
    );
    expect(f.queue.peakDepth).toEqual({ value: 40 });
    expect(f.queue.drainTimeMs).toEqual({ value: 2500 });
    expect(f.queue.shed).toEqual({ value: 22 });
    expect(f.failover.durationMs).toEqual({ value: 2600 });
    expect(f.failover.promotedAtMs).toBe(2000);
    expect(f.failover.firstStandbyWriteAtMs).toBe(3500);
    // Writes after the loss, but none on the standby: the primary came back, no failover to time.
    const back = targetFigures(
      [
        sample(0, { 'portal_dossier_writes_total{role="standby"}': 0 }),
        sample(2000, { 'portal_dossier_writes_total{role="standby"}': 0 }),
      ],
      t0,
      { atMs: 800, faultId: "p", firstWriteAfterMs: 900 },
      "x",
    );
    expect(back.failover.durationMs.value).toBeNull();
    expect(f.failedSamples).toBe(1);
    expect(f.sync.lagMs.value).toBeNull();
    expect("reason" in f.sync.lagMs && f.sync.lagMs.reason).toMatch(/portal_sync_lag_seconds/);
  });

  it("is null with the reason when the target has no metrics endpoint", () => {
    const f = targetFigures(
      null,
      t0,
      { atMs: null, faultId: null, firstWriteAfterMs: null },
      "the target exposes no metrics endpoint",
    );
    expect(f.queue.peakDepth).toEqual({ value: null, reason: "the target exposes no metrics endpoint" });
    expect(f.source).toBe("none");
    const noLoss = targetFigures(null, t0, { atMs: 5000, faultId: "p", firstWriteAfterMs: null }, "none");
    expect(noLoss.failover.durationMs.value).toBeNull();
    expect(
      targetFigures(null, t0, { atMs: 5000, faultId: "p", firstWriteAfterMs: 7500 }, "x").failover.durationMs,
    ).toEqual({ value: 2500 });
  });

  it("shows the load's own failover figures beside the metrics', with the writes refused in between", () => {
    const loss = { atMs: 800, faultId: "p", firstWriteAfterMs: 3400, refusedWrites: 12 };
    const withMetrics = targetFigures(
      [
        sample(0, { 'portal_dossier_writes_total{role="standby"}': 0, portal_failover_events_total: 0 }),
        sample(2000, { 'portal_dossier_writes_total{role="standby"}': 0, portal_failover_events_total: 1 }),
        sample(3500, { 'portal_dossier_writes_total{role="standby"}': 3, portal_failover_events_total: 1 }),
      ],
      t0,
      loss,
      "x",
    ).failover;
    expect(withMetrics).toMatchObject({
      durationMs: { value: 2600 },
      firstWriteAtMs: 3400,
      refusedWrites: 12,
      promotedAtMs: 2000,
      firstStandbyWriteAtMs: 3500,
    });
    const without = targetFigures(null, t0, loss, "no metrics").failover;
    expect(without).toMatchObject({ durationMs: { value: 2600 }, firstWriteAtMs: 3400, refusedWrites: 12 });
    expect(without.promotedAtMs).toBeNull();
    const noLoss = targetFigures(
      null,
      t0,
      { atMs: null, faultId: null, firstWriteAfterMs: null },
      "x",
    ).failover;
    expect(noLoss).toMatchObject({ firstWriteAtMs: null, refusedWrites: null });
  });
});
