import type { ChaosEvent } from "../../chaos/events.js";
import type { FaultEntry } from "../../chaos/plan.js";
import { percentileMs } from "../analysis/histogram.js";
import type { WindowAggregator, WindowStat } from "../analysis/windows.js";
import type { DossierSummary } from "../reconcile/reconcile.js";
import { faultTiming, type Tolerance, toleranceFrom } from "./resilience.js";
import type { Criterion, FaultResult, Verdict } from "./schema.js";

export interface CriteriaSettings {
  steadyErrorRateMax: number;
  steadyP95MaxMs: number;
  recoverWithinS: number;
  maxStartSkewMs: number;
  maxDroppedIterationsShare: number;
}

export interface AnalysisSettings {
  windowMs: number;
  recoverWindows: number;
  errorRateTolerancePp: number;
  p95Factor: number;
  p95SlackMs: number;
}

export interface VerdictInput {
  runId: string;
  target: string;
  profile: string;
  faultPlan: string;
  loadStartedAt: string;
  faults: readonly FaultEntry[];
  events: readonly ChaosEvent[];
  aggregator: WindowAggregator;
  windows: readonly WindowStat[];
  baselineRange: { fromMs: number; toMs: number };
  dossiers: DossierSummary;
  plannedIterations: number;
  plannedPeakRequestsPerS: number;
  k6ExitCode: number | null;
  criteria: CriteriaSettings;
  analysis: AnalysisSettings;
  assumptions: string[];
  fingerprint: Verdict["fingerprint"];
}

const unavailable = (reason: string) => ({ value: null, reason });
const round = (n: number | null, digits = 4): number | null =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;

/** Applied start and end of a fault from the chaos events (null when it never took effect). */
export const appliedTimes = (
  faultId: string,
  events: readonly ChaosEvent[],
): { start: number | null; end: number | null; errors: string[] } => {
  const mine = events.filter((e) => e.faultId === faultId);
  const apply = mine.find((e) => e.phase === "apply" && e.outcome !== "error");
  const remove = mine.find((e) => e.phase === "remove" && e.outcome !== "error");
  return {
    start: apply?.appliedMs ?? null,
    end: remove?.appliedMs ?? null,
    errors: mine.filter((e) => e.outcome === "error").map((e) => `${e.phase}: ${e.error ?? "failed"}`),
  };
};

export const buildVerdict = (input: VerdictInput): Verdict => {
  const { aggregator: agg, analysis, criteria: c } = input;
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
      errorRateDuring: acc && acc.requests > 0 ? round(acc.errors / acc.requests) : null,
      p95DuringMs: acc ? percentileMs(acc.hist, 95) : null,
      requestsDuring: acc?.requests ?? 0,
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
  ): void => {
    criteria.push({
      id,
      title,
      passed: observed !== null && observed <= threshold,
      observed,
      threshold,
      unit,
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
  judge("dossiers-lost", "Acknowledged dossiers the portal cannot find", input.dossiers.lost, 0, "dossiers");
  judge(
    "dossiers-duplicated",
    "Idempotency keys that produced more than one dossier",
    input.dossiers.duplicated,
    0,
    "dossiers",
  );
  judge(
    "k6-safety-abort",
    "Run not aborted by the safety error-rate limit",
    input.k6ExitCode === 99 ? 1 : 0,
    0,
    "aborts",
  );

  const inconclusiveReasons: string[] = [];
  const droppedShare = input.plannedIterations > 0 ? agg.droppedIterations / input.plannedIterations : 0;
  if (droppedShare > c.maxDroppedIterationsShare)
    inconclusiveReasons.push(
      `the load generator dropped ${agg.droppedIterations} of ${Math.round(input.plannedIterations)} planned iterations (${(droppedShare * 100).toFixed(2)} %): the plan was not held`,
    );
  if (agg.totalRequests === 0) inconclusiveReasons.push("no request was made");
  if (input.k6ExitCode !== null && ![0, 99].includes(input.k6ExitCode))
    inconclusiveReasons.push(`k6 exited with code ${input.k6ExitCode}`);
  if (tol === null && faults.length > 0)
    inconclusiveReasons.push("no steady-state baseline before the first fault");

  const passed = criteria.every((x) => x.passed);
  const outcome = inconclusiveReasons.length > 0 ? "inconclusive" : passed ? "passed" : "failed";
  const stepStats = [...agg.perStep.entries()].map(([step, s]) => ({
    step,
    requests: s.requests,
    errorRate: s.requests > 0 ? round(s.errors / s.requests) : null,
    p95Ms: percentileMs(s.hist, 95),
    p99Ms: percentileMs(s.hist, 99),
  }));

  return {
    schemaVersion: 1,
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
    dossiers: input.dossiers,
    queue: {
      peakDepth: unavailable("queue metrics are not scraped yet"),
      drainTimeMs: unavailable("queue metrics are not scraped yet"),
      shed: unavailable("queue metrics are not scraped yet"),
    },
    failover: { durationMs: unavailable("this stack has no standby to fail over to") },
    sync: { lagMs: unavailable("this stack has no national sync link") },
    load: {
      plannedIterations: Math.round(input.plannedIterations),
      achievedIterations: agg.iterations,
      plannedPeakRequestsPerS: input.plannedPeakRequestsPerS,
      achievedRequests: agg.totalRequests,
      droppedIterations: agg.droppedIterations,
      k6ExitCode: input.k6ExitCode,
      generatorCpu: unavailable("generator CPU is not sampled yet"),
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
