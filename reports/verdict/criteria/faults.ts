import { appliedTimes, type ChaosEvent } from "../../../chaos/events.js";
import type { Tally, WindowStat } from "../../analysis/windows.js";
import type { AnalysisSettings, CriteriaSettings, PlannedFault } from "../input.js";
import { type FaultTiming, faultTiming, type Tolerance, toleranceFrom } from "../resilience.js";
import { round } from "../round.js";
import type { Criterion, FaultResult, Verdict } from "../schema.js";
import { summarise, type TallySummary } from "../tally-summary.js";
import { fromCatalogue, judge, judgeUnless } from "./judge.js";

/**
 * The steady-state baseline before the first fault and the tolerance band derived from it; `tol` is null when
 * the baseline saw no request or no latency, and then nothing can be judged against it.
 */
export const baselineFigures = (
  tally: Pick<TallySummary, "requests" | "errors" | "p95Ms"> | undefined,
  range: { fromMs: number; toMs: number },
  analysis: AnalysisSettings,
): { baseline: Verdict["baseline"]; tolerance: Verdict["tolerance"]; tol: Tolerance | null } => {
  const errorRate = tally && tally.requests > 0 ? tally.errors / tally.requests : null;
  const p95Ms = tally ? tally.p95Ms : null;
  const tol =
    errorRate !== null && p95Ms !== null
      ? toleranceFrom({ errorRate, p95Ms, requests: tally?.requests ?? 0 }, analysis)
      : null;
  const a = analysis;
  return {
    tol,
    baseline: { ...range, requests: tally?.requests ?? 0, errorRate: round(errorRate), p95Ms },
    tolerance: {
      errorRateMax: tol ? round(tol.errorRateMax) : null,
      p95MaxMs: tol ? round(tol.p95MaxMs, 2) : null,
      windowMs: a.windowMs,
      recoverWindows: a.recoverWindows,
      rule: `error rate ≤ baseline + ${a.errorRateTolerancePp} pp and p95 ≤ max(${a.p95Factor} × baseline p95, baseline p95 + ${a.p95SlackMs} ms), ${a.recoverWindows} consecutive ${a.windowMs} ms windows to recover`,
    },
  };
};

export interface FaultFigureInput {
  fault: PlannedFault;
  applied: ReturnType<typeof appliedTimes>;
  /** Requests, errors and p95 between the fault's applied start and end (undefined: no such interval). */
  during: Pick<TallySummary, "requests" | "errors" | "p95Ms"> | undefined;
  timing: FaultTiming;
  /** The SLO error rate, and the errors it allows over the whole run (rate × requests). */
  sloErrorRate: number;
  allowedErrors: number;
}

/** One fault's figures: planned vs applied, start skew, time to detect and recover, errors and burn during it. */
export const faultResult = ({
  fault: f,
  applied,
  during,
  timing,
  sloErrorRate,
  allowedErrors,
}: FaultFigureInput): FaultResult => {
  const plannedStartMs = f.startS * 1000;
  const errorRateDuring = during && during.requests > 0 ? during.errors / during.requests : null;
  return {
    id: f.id,
    kind: f.kind,
    link: f.link,
    plannedStartMs,
    plannedEndMs: (f.startS + f.durationS) * 1000,
    appliedStartMs: applied.start,
    appliedEndMs: applied.end,
    startSkewMs: applied.start === null ? null : round(applied.start - plannedStartMs, 1),
    timeToDetectMs: round(timing.timeToDetectMs, 0),
    timeToRecoverMs: round(timing.timeToRecoverMs, 0),
    errorRateDuring: round(errorRateDuring),
    p95DuringMs: during ? during.p95Ms : null,
    requestsDuring: during?.requests ?? 0,
    burnRate:
      errorRateDuring === null || sloErrorRate === 0 ? null : round(errorRateDuring / sloErrorRate, 2),
    errorBudgetBurned: during && allowedErrors > 0 ? round(during.errors / allowedErrors, 3) : null,
    errors: applied.errors,
  };
};

export interface FaultContext extends Pick<FaultFigureInput, "sloErrorRate" | "allowedErrors"> {
  events: readonly ChaosEvent[];
  windows: readonly WindowStat[];
  /** The analysis's tallies per interval (`fault:<id>` for each fault). */
  intervals: ReadonlyMap<string, Tally>;
  analysis: Pick<AnalysisSettings, "windowMs" | "recoverWindows">;
  tol: Tolerance | null;
}

const untimed: FaultTiming = { timeToDetectMs: null, timeToRecoverMs: null };

/** Every planned fault's figures, timed against the tolerance band when there is one. */
export const faultResults = (faults: readonly PlannedFault[], ctx: FaultContext): FaultResult[] =>
  faults.map((fault) => {
    const applied = appliedTimes(fault.id, ctx.events);
    const tally = ctx.intervals.get(`fault:${fault.id}`);
    const { windowMs, recoverWindows } = ctx.analysis;
    const timing =
      ctx.tol && applied.start !== null && applied.end !== null
        ? faultTiming(ctx.windows, windowMs, applied.start, applied.end, ctx.tol, recoverWindows)
        : untimed;
    const { sloErrorRate, allowedErrors } = ctx;
    const during = tally && summarise(tally);
    return faultResult({ fault, applied, during, timing, sloErrorRate, allowedErrors });
  });

const notRecovered = (f: FaultResult): string | undefined => {
  if (f.timeToRecoverMs !== null) return undefined;
  return f.appliedEndMs === null ? "fault was not removed cleanly" : "did not recover before the run ended";
};

/**
 * `recover-<fault>` for each fault (not judged without a baseline to judge against), then `fault-start-skew`
 * over them all (when the plan has faults).
 */
export const faultCriteria = (
  faults: readonly FaultResult[],
  hasBaseline: boolean,
  c: Pick<CriteriaSettings, "recoverWithinS" | "maxStartSkewMs">,
): Criterion[] => {
  const recovered = faults.map((f) =>
    judgeUnless(
      {
        id: `recover-${f.id}`,
        title: `Recovered after ${f.kind} on ${f.link}`,
        observed: f.timeToRecoverMs,
        threshold: c.recoverWithinS * 1000,
        unit: "ms",
        note: notRecovered(f),
      },
      hasBaseline
        ? null
        : { because: "no-data", reason: "no steady-state baseline to judge recovery against" },
    ),
  );
  if (faults.length === 0) return recovered;
  const skews = faults.map((f) => (f.startSkewMs === null ? null : Math.abs(f.startSkewMs)));
  const worst = skews.some((s) => s === null) ? null : Math.max(...(skews as number[]));
  const skew = judge({
    ...fromCatalogue("fault-start-skew"),
    observed: worst,
    threshold: c.maxStartSkewMs,
    note: worst === null ? "a fault was never applied" : undefined,
  });
  return [...recovered, skew];
};
