import type { ChaosEvent } from "../../chaos/events.js";
import type { EngineStatus } from "../../engine/config.js";
import type { WindowAggregator, WindowStat } from "../analysis/windows.js";
import type { TargetFigures } from "../metrics/figures.js";
import type { NationalSync } from "../reconcile/national.js";
import type { PaymentsReconciliation } from "../reconcile/payments.js";
import type { DossierSummary } from "../reconcile/reconcile.js";
import type { EngineReport, Verdict } from "./schema.js";

/** The limits the criteria judge against (the run config's `criteria`). */
export interface CriteriaSettings {
  steadyErrorRateMax: number;
  steadyP95MaxMs: number;
  recoverWithinS: number;
  maxStartSkewMs: number;
  maxDroppedIterationsShare: number;
  /** Start lag p99 beyond which the generator did not keep up (the run is inconclusive). */
  maxStartLagP99Ms?: number | undefined;
  failoverWithinS?: number | undefined;
  queueDrainWithinS?: number | undefined;
  syncDrainWithinS?: number | undefined;
  maxErrorBudgetBurned?: number | undefined;
  /** Under overload, the p95 of refusals must be at most this (default 250 ms). */
  sheddingRefusalP95MaxMs?: number | undefined;
}

/** How the results are cut into windows and what counts as back to normal (the run config's `analysis`). */
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

/** Everything the verdict is built from: the analysed run directory, its plan and its settings. */
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
  /** National sync and payments as reconciliation found them (absent in older run directories). */
  national?: NationalSync | undefined;
  payments?: PaymentsReconciliation | undefined;
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
