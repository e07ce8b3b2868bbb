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

/** Splits `name{a="1",b="2"}` into its name and labels. */
const splitKey = (key: string): { name: string; labels: string } => {
  const brace = key.indexOf("{");
  return brace < 0 ? { name: key, labels: "" } : { name: key.slice(0, brace), labels: key.slice(brace) };
};

/**
 * Values of one metric over time: the sum over every label set of `name` that carries all of `labels`
 * (so a target that adds its own constant labels still matches).
 */
const seriesOf = (
  samples: ReadonlyArray<{ tMs: number; ok: boolean; values?: Record<string, number> }>,
  name: string,
  labels: readonly string[] = [],
): Array<{ tMs: number; v: number }> => {
  const out: Array<{ tMs: number; v: number }> = [];
  for (const s of samples) {
    if (!s.ok || !s.values) continue;
    let total = 0;
    let found = false;
    for (const [k, v] of Object.entries(s.values)) {
      const key = splitKey(k);
      if (key.name !== name || !labels.every((l) => key.labels.includes(l))) continue;
      total += v;
      found = true;
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
  failover: {
    durationMs: Measured;
    primaryLostAtMs: number | null;
    firstStandbyWriteAtMs: number | null;
    /** When the target's metrics first showed a standby promotion after the loss (undefined: not exposed). */
    promotedAtMs: number | null;
    /** The first successful write after the loss as the load saw it (ms after t0), whatever the metrics say. */
    firstWriteAtMs?: number | null;
    /** Write requests that failed between the loss and that first write, as the load saw them. */
    refusedWrites?: number | null;
  };
  sync: { lagMs: Measured; drainTimeMs: Measured; backlogPeak: Measured };
  /** Queue depth over time, for the report's chart. */
  queueSeries: Array<{ tMs: number; depth: number }>;
}

export interface PrimaryLoss {
  /** Applied start (ms after t0) of the fault that took the primary away, if the plan has one. */
  atMs: number | null;
  faultId: string | null;
  /** First successful dossier write the load saw after that (from the load's results), if any. */
  firstWriteAfterMs: number | null;
  /** Write requests that failed in between (from the load's results); null without a loss. */
  refusedWrites?: number | null;
}

/**
 * Failover duration: from primary loss to the first successful dossier write after it, as the citizens saw it
 * (the load's results, so any portal can be judged). When the target's metrics show the standby's promotion,
 * the figure also says when that happened.
 */
const failoverFigure = (
  loss: PrimaryLoss,
  promotedAtMs: number | null | undefined,
  standbyWriteAtMs: number | null | undefined,
): TargetFigures["failover"] => {
  const base = {
    primaryLostAtMs: loss.atMs,
    firstStandbyWriteAtMs: standbyWriteAtMs ?? loss.firstWriteAfterMs,
    promotedAtMs: promotedAtMs ?? null,
    firstWriteAtMs: loss.atMs === null ? null : loss.firstWriteAfterMs,
    refusedWrites: loss.atMs === null ? null : (loss.refusedWrites ?? null),
  };
  if (loss.atMs === null)
    return { ...base, durationMs: none("no fault in the plan takes the primary dossier service away") };
  if (loss.firstWriteAfterMs === null)
    return {
      ...base,
      durationMs: none("no dossier write succeeded after the primary was lost, before the run ended"),
    };
  // The target counts writes by role: if none reached the standby, the writes after the loss were the primary's.
  if (standbyWriteAtMs === null)
    return {
      ...base,
      durationMs: none(
        "no write reached the standby after the primary was lost (the primary came back first, or no failover happened)",
      ),
    };
  return { ...base, durationMs: { value: Math.round(loss.firstWriteAfterMs - loss.atMs) } };
};

/** First sample after `afterMs` at which a counter had grown past its value at `afterMs`. */
const firstIncreaseAfter = (
  points: ReadonlyArray<{ tMs: number; v: number }>,
  afterMs: number,
): number | null => {
  const before = [...points].reverse().find((p) => p.tMs <= afterMs)?.v ?? 0;
  return points.find((p) => p.tMs > afterMs && p.v > before)?.tMs ?? null;
};

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
      failover: failoverFigure(primaryLoss, undefined, undefined),
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

  const promotions = seriesOf(samples, metricNames.failoverEvents);
  const standbyWrites = seriesOf(samples, metricNames.writes, ['role="standby"']);
  const lossAt = primaryLoss.atMs;
  const promotedAtMs = lossAt === null ? null : firstIncreaseAfter(promotions, lossAt);
  const standbyWriteAtMs = lossAt === null ? null : firstIncreaseAfter(standbyWrites, lossAt);

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
    failover: failoverFigure(
      primaryLoss,
      promotions.length > 0 ? promotedAtMs : undefined,
      standbyWrites.length > 0 ? standbyWriteAtMs : undefined,
    ),
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
