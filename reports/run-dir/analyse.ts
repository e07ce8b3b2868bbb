import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { appliedTimes, applyRequestedAt, ChaosEvent } from "../../chaos/events.js";
import { newHistogram, percentileMs, recordMs } from "../../engine/metrics/histogram.js";
import { inputError } from "../../kernel/errors.js";
import { type RunFiles, runFiles } from "../../kernel/run-files.js";
import { parseJsonFile } from "../../kernel/validate.js";
import { scanK6Results } from "../analysis/k6-stream.js";
import { WindowAggregator } from "../analysis/windows.js";
import { readMetricsSamples, targetFigures } from "../metrics/figures.js";
import { Reconciliation } from "../reconcile/reconcile.js";
import { readDossierRecords } from "../reconcile/records.js";
import { Analysis, Criteria } from "../settings.js";
import { buildVerdict } from "../verdict/build.js";
import { takesPrimary } from "../verdict/criteria/failover.js";
import { isolationIntervals } from "../verdict/criteria/isolation.js";
import { sheddingIntervals } from "../verdict/criteria/shedding.js";
import type { Verdict } from "../verdict/schema.js";
import { renderHtml } from "../writers/html.js";
import type { Lang } from "../writers/i18n.js";
import { renderJunit } from "../writers/junit.js";
import { renderMarkdown } from "../writers/markdown.js";
import { RunMeta } from "./meta.js";
import { compactLoad, compactSeries, type SeriesFile } from "./series-file.js";

/** The parts of plan.json the analysis reads (any fault kind: only timing and place matter here). */
export const PlanFile = z.object({
  config: z.object({ analysis: Analysis, criteria: Criteria }),
  compiled: z.object({ durationS: z.number() }),
  slo: z
    .object({
      name: z.string(),
      steps: z.record(z.string(), z.object({ p95Ms: z.number(), p99Ms: z.number(), errorRate: z.number() })),
      acknowledgementP95Ms: z.number(),
    })
    .optional(),
  faults: z.object({
    name: z.string(),
    faults: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        link: z.string(),
        startS: z.number(),
        durationS: z.number(),
      }),
    ),
  }),
});
export type PlanFile = z.infer<typeof PlanFile>;

const readEvents = (file: string): ChaosEvent[] => {
  const out: ChaosEvent[] = [];
  const problems: string[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        problems.push(`${file}: line ${i + 1}: not valid JSON`);
        return;
      }
      const parsed = ChaosEvent.safeParse(json);
      if (parsed.success) out.push(parsed.data);
      else
        problems.push(`${file}: line ${i + 1}: ${parsed.error.issues[0]?.message ?? "invalid chaos event"}`);
    });
  if (problems.length > 0) throw inputError(...problems);
  return out;
};

const hashFile = async (file: string): Promise<string> => {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
};

/** Checks that a directory is a complete run directory; names the first missing file. */
export const checkRunDir = (runDir: string): RunFiles => {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory())
    throw inputError(`${runDir}: not a directory (expected out/<run-id>/)`);
  const files = runFiles(runDir);
  const required: Array<[string, string]> = [
    [files.meta, "written when the load ends; this run did not get that far, or this is not a run directory"],
    [files.plan, "the run's plan"],
    [files.results, "the load engine's results"],
    [files.events, "the chaos clock's applied-fault events"],
    [files.reconciliation, "the dossier reconciliation, saved after the load"],
  ];
  for (const [file, what] of required)
    if (!existsSync(file))
      throw inputError(`${runDir}: not a complete run directory: ${basename(file)} is missing (${what})`);
  return files;
};

export interface AnalyseOptions {
  lang: Lang;
}

export interface AnalyseResult {
  verdict: Verdict;
  files: RunFiles;
  stats: { bytes: number; lines: number; points: number; ms: number };
}

/**
 * Turns a run directory's saved data into the verdict and every report: verdict.json, series.json, report.md,
 * report.html, junit.xml. A run calls it once the load has ended; `portal-harness report` calls it again later.
 */
export const analyseRunDir = async (runDir: string, options: AnalyseOptions): Promise<AnalyseResult> => {
  const started = performance.now();
  const files = checkRunDir(runDir);
  const meta = parseJsonFile(RunMeta, files.meta);
  const plan = parseJsonFile(PlanFile, files.plan);
  const reconciliation = parseJsonFile(Reconciliation, files.reconciliation);
  const events = readEvents(files.events);
  const { analysis, criteria } = plan.config;
  const windowMs = analysis.windowMs;
  const recoverMs = criteria.recoverWithinS * 1000;

  const applied = plan.faults.faults.map((f) => {
    const times = appliedTimes(f.id, events);
    const start = times.start ?? f.startS * 1000;
    const end = times.end ?? (f.startS + f.durationS) * 1000;
    // The fault may bite as soon as toxiproxy receives the call, before it confirms: steady state ends there.
    const requested = applyRequestedAt(f.id, events) ?? f.startS * 1000;
    return { id: f.id, start, end, requested: Math.min(requested, start) };
  });
  const firstFault = Math.min(...applied.map((a) => a.requested), Number.POSITIVE_INFINITY);
  // The first two windows are warm-up (connections, JIT); the baseline ends where the first fault begins.
  const baselineRange = {
    fromMs: 2 * windowMs,
    toMs: Number.isFinite(firstFault) ? firstFault : plan.compiled.durationS * 1000,
  };
  // Per-step and per-province series keep at most ~300 windows, whatever the run's length.
  const durationMs = Math.max(plan.compiled.durationS, meta.durationS) * 1000;
  const breakdownWindowMs = Math.max(windowMs, Math.ceil(durationMs / 300 / windowMs) * windowMs);
  const withLinks = applied.map((a, i) => ({ ...a, link: plan.faults.faults[i]?.link ?? "" }));
  const loss = plan.faults.faults.find((f) => takesPrimary(f));
  const lossApplied = loss ? applied.find((a) => a.id === loss.id) : undefined;
  const aggregator = new WindowAggregator({
    ...(lossApplied ? { firstWriteAfterMs: lossApplied.start } : {}),
    t0Ms: meta.t0WallMs,
    windowMs,
    breakdownWindowMs,
    isSteady: (t) => !applied.some((a) => t >= a.requested && t < a.end + recoverMs),
    intervals: [
      { id: "baseline", fromMs: baselineRange.fromMs, toMs: baselineRange.toMs },
      ...applied.map((a) => ({ id: `fault:${a.id}`, fromMs: a.start, toMs: a.end })),
      ...sheddingIntervals(withLinks, recoverMs),
      ...isolationIntervals(withLinks, baselineRange),
    ],
  });
  const resultsHash = createHash("sha256");
  const stats = await scanK6Results(files.results, (p) => aggregator.add(p), { hash: resultsHash });
  const windows = aggregator.finish();

  const samples = await readMetricsSamples(files.metrics);
  const figures = targetFigures(
    meta.metrics.url === null ? null : samples,
    meta.t0WallMs,
    {
      atMs: lossApplied?.start ?? null,
      faultId: loss?.id ?? null,
      firstWriteAfterMs: aggregator.firstWriteMs,
      refusedWrites: aggregator.refusedWritesDuringFailover,
    },
    meta.metrics.reason ?? "the target exposes no metrics endpoint",
  );

  const ackHist = newHistogram();
  for (const r of await readDossierRecords(files.console))
    if (r.kind === "acknowledged" && r.ackMs !== undefined) recordMs(ackHist, r.ackMs);

  const dataHashes: Record<string, string> = { [basename(files.results)]: resultsHash.digest("hex") };
  for (const f of [files.events, files.console, files.metrics, files.reconciliation])
    if (existsSync(f)) dataHashes[basename(f)] = await hashFile(f);

  const verdict = buildVerdict({
    runId: meta.runId,
    target: meta.target,
    profile: meta.profile,
    faultPlan: meta.faultPlan,
    loadStartedAt: meta.loadStartedAt,
    faults: plan.faults.faults,
    events,
    aggregator,
    windows,
    baselineRange,
    dossiers: reconciliation.summary,
    national: reconciliation.national,
    payments: reconciliation.payments,
    targetFigures: figures,
    plannedIterations: meta.plannedIterations,
    plannedPeakRequestsPerS: meta.plannedPeakRequestsPerS,
    engineStatus: meta.engine.status,
    engine: {
      reason: meta.engine.reason,
      workers: meta.engine.workers,
      workerStartOffsetsMs: meta.engine.workerStartOffsetsMs,
      iterations: {
        started: meta.engine.iterations.started,
        completed: meta.engine.iterations.completed,
        interrupted: meta.engine.iterations.interrupted,
        dropped: meta.engine.iterations.dropped,
        errors: meta.engine.iterations.errors,
      },
    },
    generatorCpu: meta.generatorCpu.mean,
    criteria,
    slo: plan.slo ?? null,
    acknowledgementP95Ms: ackHist.totalCount === 0 ? null : percentileMs(ackHist, 95),
    analysis,
    assumptions: meta.assumptions,
    fingerprint: { ...meta.fingerprint, dataHashes },
  });

  const series: SeriesFile = {
    schemaVersion: 2,
    windowMs,
    breakdownWindowMs,
    steps: aggregator.breakdown("step").map((b) => ({ key: b.key, points: compactSeries(b.series) })),
    provinces: aggregator.breakdown("province").map((b) => ({ key: b.key, points: compactSeries(b.series) })),
    load: compactLoad(aggregator.loadSeries()),
    queue: figures.queueSeries.map((q) => [q.tMs, q.depth]),
  };
  writeReports(files, verdict, series, options.lang);
  return { verdict, files, stats: { ...stats, ms: Math.round(performance.now() - started) } };
};

/** Writes verdict.json, series.json and the three reports from the same data. */
export const writeReports = (files: RunFiles, verdict: Verdict, series: SeriesFile, lang: Lang): void => {
  writeFileSync(files.verdict, `${JSON.stringify(verdict, null, 2)}\n`);
  writeFileSync(files.series, `${JSON.stringify(series)}\n`);
  writeFileSync(files.reportMd, renderMarkdown(verdict, lang));
  writeFileSync(files.junit, renderJunit(verdict));
  writeFileSync(files.reportHtml, renderHtml({ verdict, series, lang }));
};
