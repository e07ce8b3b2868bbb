import type { ChaosEvent } from "../../chaos/events.js";
import type { EngineStatus } from "../../engine/config.js";
import { percentileMs } from "../../engine/metrics/histogram.js";
import type { WindowAggregator, WindowStat } from "../analysis/windows.js";
import type { TargetFigures } from "../metrics/figures.js";
import type { DossierSummary } from "../reconcile/reconcile.js";
import { faultTiming, type Tolerance, toleranceFrom } from "./resilience.js";
import {
  type Criterion,
  type EngineReport,
  type FaultResult,
  type Verdict,
  verdictSchemaVersion,
} from "./schema.js";

export interface CriteriaSettings {
  steadyErrorRateMax: number;
  steadyP95MaxMs: number;
  recoverWithinS: number;
  maxStartSkewMs: number;
  maxDroppedIterationsShare: number;
  failoverWithinS?: number | undefined;
  queueDrainWithinS?: number | undefined;
  syncDrainWithinS?: number | undefined;
  maxErrorBudgetBurned?: number | undefined;
}

export interface AnalysisSettings {
  windowMs: number;
  recoverWindows: number;
  errorRateTolerancePp: number;
  p95Factor: number;
  p95SlackMs: number;
}

/** The few fields of a planned fault the verdict needs (any fault kind). */
export interface PlannedFault {
  id: string;
  kind: string;
  link: string;
  startS: number;
  durationS: number;
}

/** Service-level objectives (the SLO file): per step on steady-state samples, and acknowledgement time. */
export interface SloSettings {
  name: string;
  steps: Partial<Record<string, { p95Ms: number; p99Ms: number; errorRate: number }>>;
  acknowledgementP95Ms: number;
}

export interface VerdictInput {
  runId: string;
  target: string;
  profile: string;
  faultPlan: string;
  loadStartedAt: string;
  faults: readonly PlannedFault[];
  events: readonly ChaosEvent[];
  aggregator: WindowAggregator;
  windows: readonly WindowStat[];
  baselineRange: { fromMs: number; toMs: number };
  dossiers: DossierSummary;
  targetFigures: TargetFigures;
  plannedIterations: number;
  plannedPeakRequestsPerS: number;
  engineStatus: EngineStatus;
  /** The engine's own account of the run (run.json), shown beside what its results say. */
  engine: EngineReport;
  generatorCpu: { value: number } | { value: null; reason: string };
  criteria: CriteriaSettings;
  slo: SloSettings | null;
  /** p95 of the time from first submission attempt to acknowledgement (from the dossier records). */
  acknowledgementP95Ms: number | null;
  analysis: AnalysisSettings;
  assumptions: string[];
  fingerprint: Verdict["fingerprint"];
}

const round = (n: number | null, digits = 4): number | null =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;

/** Applied start and end of a fault from the chaos events (null when it never took effect). */
export const appliedTimes = (
  faultId: string,
  events: readonly ChaosEvent[],
): { start: number | null; end: number | null; errors: string[] } => {
  const mine = events.filter((e) => e.faultId === faultId);
  const apply = mine.find((e) => e.phase === "apply" && e.outcome !== "error");
  const removes = mine.filter((e) => e.phase === "remove" && e.outcome !== "error");
  // A fault that takes several steps (flapping, ramp) ends with its last removal.
  const remove = removes[removes.length - 1];
  return {
    start: apply?.appliedMs ?? null,
    end: remove?.appliedMs ?? null,
    errors: mine.filter((e) => e.outcome === "error").map((e) => `${e.phase}: ${e.error ?? "failed"}`),
  };
};

/** Faults that take the primary dossier service away: failover is measured from their applied start. */
export const primaryLossKinds = new Set(["outage", "blackhole", "reset-peer"]);
export const primaryLossLinks = new Set(["gateway-dossier-primary"]);

export const buildVerdict = (input: VerdictInput): Verdict => {
  const { aggregator: agg, analysis, criteria: c } = input;
  const slo = c.steadyErrorRateMax;
  const baseAcc = agg.perInterval.get("baseline");
  const baseErrorRate = baseAcc && baseAcc.requests > 0 ? baseAcc.errors / baseAcc.requests : null;
  const baseP95 = baseAcc ? percentileMs(baseAcc.hist, 95) : null;
  const tol: Tolerance | null =
    baseErrorRate !== null && baseP95 !== null
      ? toleranceFrom(
          { errorRate: baseErrorRate, p95Ms: baseP95, requests: baseAcc?.requests ?? 0 },
          analysis,
        )
      : null;
  const allowedErrors = slo * agg.totalRequests;

  const faults: FaultResult[] = input.faults.map((f) => {
    const plannedStartMs = f.startS * 1000;
    const plannedEndMs = (f.startS + f.durationS) * 1000;
    const applied = appliedTimes(f.id, input.events);
    const acc = agg.perInterval.get(`fault:${f.id}`);
    const timing =
      tol && applied.start !== null && applied.end !== null
        ? faultTiming(
            input.windows,
            analysis.windowMs,
            applied.start,
            applied.end,
            tol,
            analysis.recoverWindows,
          )
        : { timeToDetectMs: null, timeToRecoverMs: null };
    const errorRateDuring = acc && acc.requests > 0 ? acc.errors / acc.requests : null;
    return {
      id: f.id,
      kind: f.kind,
      link: f.link,
      plannedStartMs,
      plannedEndMs,
      appliedStartMs: applied.start,
      appliedEndMs: applied.end,
      startSkewMs: applied.start === null ? null : round(applied.start - plannedStartMs, 1),
      timeToDetectMs: round(timing.timeToDetectMs, 0),
      timeToRecoverMs: round(timing.timeToRecoverMs, 0),
      errorRateDuring: round(errorRateDuring),
      p95DuringMs: acc ? percentileMs(acc.hist, 95) : null,
      requestsDuring: acc?.requests ?? 0,
      burnRate: errorRateDuring === null || slo === 0 ? null : round(errorRateDuring / slo, 2),
      errorBudgetBurned: acc && allowedErrors > 0 ? round(acc.errors / allowedErrors, 3) : null,
      errors: applied.errors,
    };
  });

  const steadyErrorRate = agg.steadyRequests > 0 ? agg.steadyErrors / agg.steadyRequests : null;
  const steadyP95 = percentileMs(agg.steady, 95);
  const criteria: Criterion[] = [];
  const judge = (
    id: string,
    title: string,
    observed: number | null,
    threshold: number,
    unit: string,
    note?: string,
    comparison: "<=" | ">=" = "<=",
  ): void => {
    criteria.push({
      id,
      title,
      passed: observed !== null && (comparison === "<=" ? observed <= threshold : observed >= threshold),
      observed,
      threshold,
      unit,
      ...(comparison === "<=" ? {} : { comparison }),
      ...(note === undefined ? {} : { note }),
    });
  };
  judge(
    "steady-error-rate",
    "Error rate outside fault and recovery windows",
    round(steadyErrorRate),
    c.steadyErrorRateMax,
    "ratio",
    steadyErrorRate === null ? "no steady-state requests" : undefined,
  );
  judge(
    "steady-p95",
    "p95 latency outside fault and recovery windows",
    steadyP95,
    c.steadyP95MaxMs,
    "ms",
    steadyP95 === null ? "no steady-state responses" : undefined,
  );
  for (const f of faults) {
    judge(
      `recover-${f.id}`,
      `Recovered after ${f.kind} on ${f.link}`,
      f.timeToRecoverMs,
      c.recoverWithinS * 1000,
      "ms",
      f.timeToRecoverMs === null
        ? tol === null
          ? "no baseline to judge against"
          : f.appliedEndMs === null
            ? "fault was not removed cleanly"
            : "did not recover before the run ended"
        : undefined,
    );
  }
  if (faults.length > 0) {
    const skews = faults.map((f) => (f.startSkewMs === null ? null : Math.abs(f.startSkewMs)));
    const worst = skews.some((s) => s === null) ? null : Math.max(...(skews as number[]));
    judge(
      "fault-start-skew",
      "Faults applied on time (worst start skew, applied − planned)",
      worst,
      c.maxStartSkewMs,
      "ms",
      worst === null ? "a fault was never applied" : undefined,
    );
  }
  if (input.slo) {
    const slo = input.slo;
    for (const [step, objective] of Object.entries(slo.steps)) {
      if (!objective) continue;
      const tally = agg.perStepSteady.get(step);
      if (!tally || tally.requests === 0) continue; // a step this run does not exercise
      const rate = tally.errors / tally.requests;
      judge(
        `slo-${step}-error-rate`,
        `SLO ${slo.name}: ${step} error rate (steady state)`,
        round(rate),
        objective.errorRate,
        "ratio",
      );
      const p95 = percentileMs(tally.hist, 95);
      const p99 = percentileMs(tally.hist, 99);
      const noLatency = "no answered requests in steady state";
      judge(
        `slo-${step}-p95`,
        `SLO ${slo.name}: ${step} p95 latency (steady state)`,
        p95,
        objective.p95Ms,
        "ms",
        p95 === null ? noLatency : undefined,
      );
      judge(
        `slo-${step}-p99`,
        `SLO ${slo.name}: ${step} p99 latency (steady state)`,
        p99,
        objective.p99Ms,
        "ms",
        p99 === null ? noLatency : undefined,
      );
    }
    if (input.dossiers.acknowledged > 0)
      judge(
        "slo-acknowledgement-p95",
        `SLO ${slo.name}: p95 time from first submission attempt to acknowledgement`,
        input.acknowledgementP95Ms,
        slo.acknowledgementP95Ms,
        "ms",
        input.acknowledgementP95Ms === null ? "no acknowledgement time was recorded" : undefined,
      );
  }
  const burned = allowedErrors > 0 ? agg.totalErrors / allowedErrors : null;
  if (c.maxErrorBudgetBurned !== undefined)
    judge(
      "error-budget",
      "Share of the run's error budget burned (errors ÷ (SLO error rate × requests))",
      round(burned, 3),
      c.maxErrorBudgetBurned,
      "ratio",
      burned === null ? "no requests" : undefined,
    );
  const d = input.dossiers;
  judge("dossiers-lost", "Acknowledged dossiers the portal cannot find", d.lost, 0, "dossiers");
  judge(
    "dossiers-duplicated",
    "Idempotency keys that produced more than one dossier",
    d.duplicated,
    0,
    "dossiers",
  );
  judge(
    "dossiers-illegal-transitions",
    "Dossiers whose status history makes an illegal move",
    d.illegalTransitions,
    0,
    "dossiers",
    d.illegalTransitions === null ? "the portal returned no status history" : undefined,
  );
  // Stuck is judged only when the run shows processing at all (reconcile sets it to null otherwise).
  if (d.stuck !== null)
    judge("dossiers-stuck", "Dossiers with no progress past the deadline", d.stuck, 0, "dossiers");
  judge(
    "dossiers-lookup-errors",
    "Reconciliation complete (lookups that failed after retries)",
    d.lookupErrors,
    0,
    "lookups",
  );

  const t = input.targetFigures;
  const faultsTakePrimary = input.faults.some(
    (f) => primaryLossKinds.has(f.kind) && primaryLossLinks.has(f.link),
  );
  if (faultsTakePrimary && c.failoverWithinS !== undefined)
    judge(
      "failover",
      "Failover: primary loss to first successful write on the standby",
      t.failover.durationMs.value,
      c.failoverWithinS * 1000,
      "ms",
      t.failover.durationMs.value === null ? t.failover.durationMs.reason : undefined,
    );
  if (t.source !== "none") {
    const peak = t.queue.peakDepth.value;
    if (peak !== null && peak > 0 && c.queueDrainWithinS !== undefined)
      judge(
        "queue-drain",
        "Gateway queue drained after its peak",
        t.queue.drainTimeMs.value,
        c.queueDrainWithinS * 1000,
        "ms",
        t.queue.drainTimeMs.value === null ? t.queue.drainTimeMs.reason : undefined,
      );
    const syncDrain = t.sync.drainTimeMs;
    if ((t.sync.lagMs.value ?? 0) > 0 || (t.sync.backlogPeak.value ?? 0) > 0)
      if (c.syncDrainWithinS !== undefined)
        judge(
          "sync-drain",
          "National-sync backlog drained after its peak",
          syncDrain.value,
          c.syncDrainWithinS * 1000,
          "ms",
          syncDrain.value === null ? syncDrain.reason : undefined,
        );
  }
  const retry = agg.retry;
  const sentShare = retry.afterRefusal > 0 ? retry.withRetryAfter / retry.afterRefusal : null;
  const honouredShare = retry.withRetryAfter > 0 ? retry.honoured / retry.withRetryAfter : null;
  // Judged on the portal: refusals must say when to come back. Whether the load waited that long is the
  // client's behaviour (it caps waits so a VU is never held long), so it is reported, not judged.
  if (retry.afterRefusal > 0)
    judge(
      "retry-after-sent",
      "Refusals (429/503) that the client retried carried Retry-After",
      round(sentShare),
      1,
      "ratio",
      undefined,
      ">=",
    );
  judge(
    "safety-abort",
    "Run kept within the safety limits (fatal error rate and p99)",
    input.engineStatus === "aborted-by-threshold" || input.engineStatus === "thresholds-failed" ? 1 : 0,
    0,
    "breaches",
  );

  const inconclusiveReasons: string[] = [];
  const droppedShare = input.plannedIterations > 0 ? agg.droppedIterations / input.plannedIterations : 0;
  if (droppedShare > c.maxDroppedIterationsShare)
    inconclusiveReasons.push(
      `the load generator dropped ${agg.droppedIterations} of ${Math.round(input.plannedIterations)} planned iterations (${(droppedShare * 100).toFixed(2)} %): the plan was not held`,
    );
  if (agg.totalRequests === 0) inconclusiveReasons.push("no request was made");
  if (!["completed", "thresholds-failed", "aborted-by-threshold"].includes(input.engineStatus))
    inconclusiveReasons.push(`the load engine ended ${input.engineStatus}, not as planned`);
  if (tol === null && faults.length > 0)
    inconclusiveReasons.push("no steady-state baseline before the first fault");
  if (input.generatorCpu.value !== null && input.generatorCpu.value >= 0.95)
    inconclusiveReasons.push(
      `the load generator's CPU was saturated (${Math.round(input.generatorCpu.value * 100)} % of all cores on average over the load)`,
    );

  const passed = criteria.every((x) => x.passed);
  const outcome = inconclusiveReasons.length > 0 ? "inconclusive" : passed ? "passed" : "failed";
  const stepStats = [...agg.perStep.entries()]
    .filter(([, s]) => s.requests > 0)
    .map(([step, s]) => ({
      step,
      requests: s.requests,
      errorRate: s.requests > 0 ? round(s.errors / s.requests) : null,
      p50Ms: percentileMs(s.hist, 50),
      p95Ms: percentileMs(s.hist, 95),
      p99Ms: percentileMs(s.hist, 99),
    }));
  const provinceStats = [...agg.perProvince.entries()]
    .filter(([, s]) => s.requests > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([province, s]) => ({
      province,
      requests: s.requests,
      errorRate: s.requests > 0 ? round(s.errors / s.requests) : null,
      p95Ms: percentileMs(s.hist, 95),
    }));
  const noRetry = {
    value: null,
    reason: "the load retried no refusal (429/503), so none could carry Retry-After",
  };

  return {
    schemaVersion: verdictSchemaVersion,
    runId: input.runId,
    target: input.target,
    profile: input.profile,
    faultPlan: input.faultPlan,
    loadStartedAt: input.loadStartedAt,
    outcome,
    passed: outcome === "passed",
    inconclusiveReasons,
    criteria,
    faults,
    baseline: {
      ...input.baselineRange,
      requests: baseAcc?.requests ?? 0,
      errorRate: round(baseErrorRate),
      p95Ms: baseP95,
    },
    tolerance: {
      errorRateMax: tol ? round(tol.errorRateMax) : null,
      p95MaxMs: tol ? round(tol.p95MaxMs, 2) : null,
      windowMs: analysis.windowMs,
      recoverWindows: analysis.recoverWindows,
      rule: `error rate ≤ baseline + ${analysis.errorRateTolerancePp} pp and p95 ≤ max(${analysis.p95Factor} × baseline p95, baseline p95 + ${analysis.p95SlackMs} ms), ${analysis.recoverWindows} consecutive ${analysis.windowMs} ms windows to recover`,
    },
    steady: {
      requests: agg.steadyRequests,
      errorRate: round(steadyErrorRate),
      p50Ms: percentileMs(agg.steady, 50),
      p95Ms: steadyP95,
      p99Ms: percentileMs(agg.steady, 99),
    },
    steps: stepStats,
    provinces: provinceStats,
    errorBudget: {
      sloErrorRate: slo,
      allowedErrors: round(allowedErrors, 1) ?? 0,
      errors: agg.totalErrors,
      burned: round(burned, 3),
    },
    dossiers: input.dossiers,
    queue: {
      peakDepth: t.queue.peakDepth,
      drainTimeMs: t.queue.drainTimeMs,
      shed: t.queue.shed,
      admitted: t.queue.admitted,
      retryAfter: {
        retries: retry.retries,
        afterRefusal: retry.afterRefusal,
        sentShare: sentShare === null ? noRetry : { value: round(sentShare) ?? 0 },
        honouredShare:
          honouredShare === null
            ? { value: null, reason: "no retry was answered with Retry-After" }
            : { value: round(honouredShare) ?? 0 },
      },
    },
    failover: {
      durationMs: t.failover.durationMs,
      primaryLostAtMs: t.failover.primaryLostAtMs,
      firstStandbyWriteAtMs: t.failover.firstStandbyWriteAtMs,
      promotedAtMs: t.failover.promotedAtMs,
    },
    sync: { lagMs: t.sync.lagMs, drainTimeMs: t.sync.drainTimeMs, backlogPeak: t.sync.backlogPeak },
    targetMetrics: {
      source: t.source,
      samples: t.samples,
      failedSamples: t.failedSamples,
      intervalMs: t.intervalMs,
    },
    load: {
      plannedIterations: Math.round(input.plannedIterations),
      achievedIterations: agg.iterations,
      plannedPeakRequestsPerS: input.plannedPeakRequestsPerS,
      achievedRequests: agg.totalRequests,
      droppedIterations: agg.droppedIterations,
      engineStatus: input.engineStatus,
      engine: input.engine,
      vusBusyPeak: agg.vusBusyPeak,
      vusMaxPeak: agg.vusMaxPeak,
      startLagP50Ms: percentileMs(agg.startLag, 50),
      startLagP99Ms: percentileMs(agg.startLag, 99),
      startLagMaxMs: percentileMs(agg.startLag, 100),
      checks: { passes: agg.checksPassed, fails: agg.checksFailed },
      bytesSent: agg.bytesSent,
      bytesReceived: agg.bytesReceived,
      generatorCpu: input.generatorCpu,
    },
    series: input.windows.map((w) => ({
      t: w.startMs,
      requests: w.requests,
      errors: w.errors,
      p50Ms: w.p50Ms,
      p95Ms: w.p95Ms,
      p99Ms: w.p99Ms,
    })),
    assumptions: input.assumptions,
    fingerprint: input.fingerprint,
  };
};
