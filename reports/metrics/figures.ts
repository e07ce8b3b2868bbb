import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { metricNames } from "./names.js";
import { type MetricsSample, MetricsSample as MetricsSampleSchema } from "./scraper.js";

/** A figure, or null with the reason it could not be measured (never invented). */
export type Measured = { value: number } | { value: null; reason: string };
const none = (reason: string): Measured => ({ value: null, reason });

export const readMetricsSamples = async (file: string): Promise<MetricsSample[] | null> => {
  if (!existsSync(file)) return null;
  const out: MetricsSample[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    try {
      const parsed = MetricsSampleSchema.safeParse(JSON.parse(line));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // a torn last line
    }
  }
  return out;
};

/** Values of one series (exact key, or the sum over every label set of a name when `sumLabels`). */
const seriesOf = (
  samples: ReadonlyArray<{ tMs: number; ok: boolean; values?: Record<string, number> }>,
  name: string,
  sumLabels = false,
): Array<{ tMs: number; v: number }> => {
  const out: Array<{ tMs: number; v: number }> = [];
  for (const s of samples) {
    if (!s.ok || !s.values) continue;
    if (!sumLabels) {
      const v = s.values[name];
      if (v !== undefined) out.push({ tMs: s.tMs, v });
      continue;
    }
    let total = 0;
    let found = false;
    for (const [k, v] of Object.entries(s.values)) {
      if (k === name || k.startsWith(`${name}{`)) {
        total += v;
        found = true;
      }
    }
    if (found) out.push({ tMs: s.tMs, v: total });
  }
  return out;
};

/** Increase of a counter over the samples, tolerating resets (a restarted process starts again at 0). */
export const counterIncrease = (points: ReadonlyArray<{ v: number }>): number => {
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]?.v ?? 0;
    const cur = points[i]?.v ?? 0;
    total += cur >= prev ? cur - prev : cur;
  }
  return total;
};

/** From the highest point of a gauge to the first later sample back at zero; null if it never got there. */
export const drainTime = (
  points: ReadonlyArray<{ tMs: number; v: number }>,
): { peak: number; peakAtMs: number | null; drainMs: number | null } => {
  let peak = 0;
  let peakAt = -1;
  points.forEach((p, i) => {
    if (p.v > peak) {
      peak = p.v;
      peakAt = i;
    }
  });
  if (peakAt < 0) return { peak: 0, peakAtMs: null, drainMs: 0 };
  const from = points[peakAt] as { tMs: number };
  for (let i = peakAt + 1; i < points.length; i++) {
    const p = points[i] as { tMs: number; v: number };
    if (p.v <= 0) return { peak, peakAtMs: from.tMs, drainMs: Math.round(p.tMs - from.tMs) };
  }
  return { peak, peakAtMs: from.tMs, drainMs: null };
};

export interface TargetFigures {
  source: string;
  samples: number;
  failedSamples: number;
  intervalMs: number | null;
  queue: { peakDepth: Measured; drainTimeMs: Measured; shed: Measured; admitted: Measured };
  failover: { durationMs: Measured; primaryLostAtMs: number | null; firstStandbyWriteAtMs: number | null };
  sync: { lagMs: Measured; drainTimeMs: Measured; backlogPeak: Measured };
  /** Queue depth over time, for the report's chart. */
  queueSeries: Array<{ tMs: number; depth: number }>;
}

export interface PrimaryLoss {
  /** Applied start (ms after t0) of the fault that took the primary away, if the plan has one. */
  atMs: number | null;
  faultId: string | null;
}

/**
 * Queue, failover and sync figures from the target's scraped metrics. `samples` null means the target has no
 * metrics endpoint (every figure is null with that reason).
 */
export const targetFigures = (
  raw: readonly MetricsSample[] | null,
  t0WallMs: number,
  primaryLoss: PrimaryLoss,
  noMetricsReason: string,
): TargetFigures => {
  const samples =
    raw === null
      ? null
      : raw.map((s) => ({ tMs: s.at - t0WallMs, ok: s.ok, ...(s.ok ? { values: s.values } : {}) }));
  if (samples === null || !samples.some((s) => s.ok)) {
    const reason = samples === null ? noMetricsReason : "every scrape of the target's /metrics failed";
    return {
      source: "none",
      samples: samples?.length ?? 0,
      failedSamples: samples?.length ?? 0,
      intervalMs: null,
      queue: {
        peakDepth: none(reason),
        drainTimeMs: none(reason),
        shed: none(reason),
        admitted: none(reason),
      },
      failover: { durationMs: none(reason), primaryLostAtMs: primaryLoss.atMs, firstStandbyWriteAtMs: null },
      sync: { lagMs: none(reason), drainTimeMs: none(reason), backlogPeak: none(reason) },
      queueSeries: [],
    };
  }
  const ok = samples.filter((s) => s.ok);
  const first = ok[0]?.tMs ?? 0;
  const last = ok[ok.length - 1]?.tMs ?? 0;
  const intervalMs = ok.length > 1 ? Math.round((last - first) / (ok.length - 1)) : null;
  const missing = (name: string) => none(`the target's /metrics has no ${name}`);
  const res = intervalMs === null ? "" : ` (sampled every ~${intervalMs} ms)`;

  const depth = seriesOf(samples, metricNames.queueDepth);
  const peakGauge = seriesOf(samples, metricNames.queuePeak);
  const drained = drainTime(depth);
  const peakDepth =
    depth.length === 0 && peakGauge.length === 0
      ? missing(metricNames.queueDepth)
      : { value: Math.max(drained.peak, ...peakGauge.map((p) => p.v)) };
  const drainTimeMs: Measured =
    depth.length === 0
      ? missing(metricNames.queueDepth)
      : drained.drainMs === null
        ? none(`the queue had not drained when sampling ended${res}`)
        : { value: drained.drainMs };
  const shedPoints = seriesOf(samples, metricNames.shed);
  const admittedPoints = seriesOf(samples, metricNames.admitted);

  const writes = seriesOf(samples, `${metricNames.writes}{role="standby"}`);
  let failover: Measured;
  let firstStandbyWriteAtMs: number | null = null;
  if (primaryLoss.atMs === null)
    failover = none("no fault in the plan takes the primary dossier service away");
  else if (writes.length === 0)
    failover = missing(`${metricNames.writes}{role="standby"} (successful writes on the standby)`);
  else {
    const lossAt = primaryLoss.atMs;
    const before = [...writes].reverse().find((p) => p.tMs <= lossAt)?.v ?? 0;
    const firstWrite = writes.find((p) => p.tMs > lossAt && p.v > before);
    if (!firstWrite) failover = none(`no successful write on the standby after the primary was lost${res}`);
    else {
      firstStandbyWriteAtMs = firstWrite.tMs;
      failover = { value: Math.round(firstWrite.tMs - lossAt) };
    }
  }

  const lag = seriesOf(samples, metricNames.syncLag);
  const backlog = seriesOf(samples, metricNames.syncBacklog);
  const lagDrain = drainTime(lag);
  const backlogDrain = drainTime(backlog);
  const syncDrainSource = backlog.length > 0 ? backlogDrain : lagDrain;
  return {
    source: "metrics.ndjson",
    samples: samples.length,
    failedSamples: samples.length - ok.length,
    intervalMs,
    queue: {
      peakDepth,
      drainTimeMs,
      // Increases from the first sample, taken before the load started: a staging counter's history is not ours.
      shed: shedPoints.length === 0 ? missing(metricNames.shed) : { value: counterIncrease(shedPoints) },
      admitted:
        admittedPoints.length === 0
          ? missing(metricNames.admitted)
          : { value: counterIncrease(admittedPoints) },
    },
    failover: { durationMs: failover, primaryLostAtMs: primaryLoss.atMs, firstStandbyWriteAtMs },
    sync: {
      lagMs: lag.length === 0 ? missing(metricNames.syncLag) : { value: Math.round(lagDrain.peak * 1000) },
      drainTimeMs:
        lag.length === 0 && backlog.length === 0
          ? missing(`${metricNames.syncLag} or ${metricNames.syncBacklog}`)
          : syncDrainSource.drainMs === null
            ? none(`the national-sync backlog had not drained when sampling ended${res}`)
            : { value: syncDrainSource.drainMs },
      backlogPeak: backlog.length === 0 ? missing(metricNames.syncBacklog) : { value: backlogDrain.peak },
    },
    queueSeries: depth.map((p) => ({ tMs: p.tMs, depth: p.v })),
  };
};
