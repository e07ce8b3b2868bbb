import { z } from "zod";
import type { LoadWindow, WindowStat } from "../analysis/windows.js";

/** A compact window: [start ms after t0, requests, errors, p95 ms or null]. */
const Point = z.tuple([z.number(), z.number().int(), z.number().int(), z.number().nullable()]);

/**
 * A compact window of the load engine: [start ms after t0, VUs busy (peak), VUs allocated (peak), dropped
 * iterations, iteration start lag p50 ms, start lag p99 ms, checks passed, checks failed, bytes sent, bytes
 * received]; nulls where the window holds no sample of that kind.
 */
const LoadPoint = z.tuple([
  z.number(),
  z.number().nullable(),
  z.number().nullable(),
  z.number(),
  z.number().nullable(),
  z.number().nullable(),
  z.number().int(),
  z.number().int(),
  z.number(),
  z.number(),
]);
export type LoadPoint = z.infer<typeof LoadPoint>;

/**
 * `series.json`: per-step and per-province series, the load engine's series (all in breakdown windows) and
 * the queue depth, for reports and comparisons.
 */
export const SeriesFile = z.object({
  schemaVersion: z.literal(2),
  windowMs: z.number(),
  breakdownWindowMs: z.number(),
  steps: z.array(z.object({ key: z.string(), points: z.array(Point) })),
  provinces: z.array(z.object({ key: z.string(), points: z.array(Point) })),
  load: z.array(LoadPoint),
  queue: z.array(z.tuple([z.number(), z.number()])),
});
export type SeriesFile = z.infer<typeof SeriesFile>;

export const compactSeries = (
  series: readonly WindowStat[],
): Array<[number, number, number, number | null]> =>
  series.map((w) => [w.startMs, w.requests, w.errors, w.p95Ms]);

export const compactLoad = (series: readonly LoadWindow[]): LoadPoint[] =>
  series.map((w) => [
    w.startMs,
    w.vusBusy,
    w.vusMax,
    w.dropped,
    w.startLagP50Ms,
    w.startLagP99Ms,
    w.checksPassed,
    w.checksFailed,
    w.bytesSent,
    w.bytesReceived,
  ]);
