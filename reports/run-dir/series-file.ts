import { z } from "zod";
import type { WindowStat } from "../analysis/windows.js";

/** A compact window: [start ms after t0, requests, errors, p95 ms or null]. */
const Point = z.tuple([z.number(), z.number().int(), z.number().int(), z.number().nullable()]);

/** `series.json`: per-step and per-province series and the queue depth, for reports and comparisons. */
export const SeriesFile = z.object({
  schemaVersion: z.literal(1),
  windowMs: z.number(),
  breakdownWindowMs: z.number(),
  steps: z.array(z.object({ key: z.string(), points: z.array(Point) })),
  provinces: z.array(z.object({ key: z.string(), points: z.array(Point) })),
  queue: z.array(z.tuple([z.number(), z.number()])),
});
export type SeriesFile = z.infer<typeof SeriesFile>;

export const compactSeries = (
  series: readonly WindowStat[],
): Array<[number, number, number, number | null]> =>
  series.map((w) => [w.startMs, w.requests, w.errors, w.p95Ms]);
