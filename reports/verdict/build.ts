import { percentileMs } from "../../engine/metrics/histogram.js";
import { dossierCriteria } from "./criteria/dossiers.js";
import { allowedErrors, errorBudget, errorBudgetCriteria } from "./criteria/error-budget.js";
import { failoverCriteria, failoverFigures } from "./criteria/failover.js";
import { baselineFigures, faultCriteria, faultResults } from "./criteria/faults.js";
import { identityIsolationCriteria } from "./criteria/isolation.js";
import { nationalSyncCriteria } from "./criteria/national-sync.js";
import { codeSharedCriteria } from "./criteria/ownership.js";
import { paymentCriteria } from "./criteria/payments.js";
import { queueDrainCriteria, queueFigures, retryAfterCriteria } from "./criteria/queue.js";
import { safetyCriteria } from "./criteria/safety.js";
import { type AppliedFault, sheddingCriteria } from "./criteria/shedding.js";
import { sloCriteria } from "./criteria/slo.js";
import { steadyFigures, steadyStateCriteria } from "./criteria/steady-state.js";
import { syncCriteria, syncFigures } from "./criteria/sync.js";
import type { VerdictInput } from "./input.js";
import {
  droppedWithin,
  dropWindowVus,
  entryFaultRanges,
  type HeldPlan,
  inconclusiveCauses,
  loadHeldCriteria,
  outcomeOf,
} from "./outcome.js";
import { loadFigures, provinceFigures, seriesFigures, stepFigures } from "./run-figures.js";
import { type Criterion, type Verdict, verdictSchemaVersion } from "./schema.js";
import { summarise } from "./tally-summary.js";

/**
 * The verdict of one run: each family of criteria judged by its own module under `criteria/`, in a fixed
 * order, beside the figures they judge and the ones only reported; then the outcome.
 */
export const buildVerdict = (input: VerdictInput): Verdict => {
  const { aggregator: agg, analysis, criteria: c, targetFigures: t, dossiers } = input;
  const sloErrorRate = c.steadyErrorRateMax;
  const baselineTally = agg.perInterval.get("baseline");
  const { baseline, tolerance, tol } = baselineFigures(
    baselineTally && summarise(baselineTally),
    input.baselineRange,
    analysis,
  );
  const faults = faultResults(input.faults, {
    events: input.events,
    windows: input.windows,
    intervals: agg.perInterval,
    analysis,
    tol,
    sloErrorRate,
    allowedErrors: allowedErrors(sloErrorRate, agg.totalRequests),
  });
  const steady = steadyFigures(agg);
  const steadySteps = new Map([...agg.perStepSteady].map(([step, tally]) => [step, summarise(tally)]));
  const budget = errorBudget(sloErrorRate, agg.totalRequests, agg.totalErrors);
  const acknowledgement = { acknowledged: dossiers.acknowledged, p95Ms: input.acknowledgementP95Ms };

  const loadWindows = agg.loadSeries();
  const entryRanges = entryFaultRanges(faults, c);
  const held: HeldPlan = {
    plannedIterations: input.plannedIterations,
    droppedIterations: agg.droppedIterations,
    maxDroppedIterationsShare: c.maxDroppedIterationsShare,
    totalRequests: agg.totalRequests,
    engineStatus: input.engineStatus,
    hasBaseline: tol !== null,
    faults: faults.length,
    generatorCpu: input.generatorCpu,
    startLagP99Ms: percentileMs(agg.startLag, 99),
    maxStartLagP99Ms: c.maxStartLagP99Ms,
    ...dropWindowVus(loadWindows, agg.breakdownWindowMs, entryRanges),
    droppedInEntryFaults: droppedWithin(loadWindows, agg.breakdownWindowMs, entryRanges),
  };
  const causes = inconclusiveCauses(held);
  const applied: AppliedFault[] = faults.map((f) => ({
    id: f.id,
    link: f.link,
    start: f.appliedStartMs ?? f.plannedStartMs,
    end: f.appliedEndMs ?? f.plannedEndMs,
  }));
  const criteria: Criterion[] = [
    ...steadyStateCriteria(steady, c),
    ...faultCriteria(faults, tol !== null, c),
    ...sloCriteria(input.slo, steadySteps, acknowledgement),
    ...errorBudgetCriteria(budget, c.maxErrorBudgetBurned),
    ...dossierCriteria(dossiers),
    ...codeSharedCriteria(dossiers),
    ...failoverCriteria(input.faults, t.failover.durationMs, c.failoverWithinS),
    ...queueDrainCriteria(t, c.queueDrainWithinS),
    ...syncCriteria(t, c.syncDrainWithinS),
    ...retryAfterCriteria(agg.retry),
    ...sheddingCriteria({
      faults: applied,
      intervals: agg.perInterval,
      queueSeries: t.queueSeries,
      retry: agg.retry,
      refusalP95MaxMs: c.sheddingRefusalP95MaxMs ?? 250,
      admittedP95MaxMs: c.steadyP95MaxMs,
    }),
    ...identityIsolationCriteria({ faults: applied, intervals: agg.perInterval, ...analysis }),
    ...nationalSyncCriteria(input.national),
    ...paymentCriteria(input.payments),
    ...loadHeldCriteria(held),
    ...safetyCriteria(input.engineStatus),
  ];
  const outcome = outcomeOf(criteria, causes);

  return {
    schemaVersion: verdictSchemaVersion,
    runId: input.runId,
    target: input.target,
    profile: input.profile,
    faultPlan: input.faultPlan,
    loadStartedAt: input.loadStartedAt,
    outcome,
    passed: outcome === "passed",
    inconclusiveReasons: causes.map((r) => r.text),
    criteria,
    faults,
    baseline,
    tolerance,
    steady,
    steps: stepFigures(agg.perStep),
    provinces: provinceFigures(agg.perProvince),
    errorBudget: budget,
    dossiers,
    queue: queueFigures(t.queue, agg.retry),
    failover: failoverFigures(t.failover),
    sync: syncFigures(t.sync),
    targetMetrics: {
      source: t.source,
      samples: t.samples,
      failedSamples: t.failedSamples,
      intervalMs: t.intervalMs,
    },
    load: loadFigures(input),
    series: seriesFigures(input.windows),
    assumptions: input.assumptions,
    fingerprint: input.fingerprint,
  };
};
