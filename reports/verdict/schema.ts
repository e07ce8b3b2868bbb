import { z } from "zod";
import { EngineResult, engineStatuses } from "../../engine/config.js";
import { Fingerprint } from "../../kernel/fingerprint.js";
import { DossierSummary } from "../reconcile/reconcile.js";

export const verdictSchemaVersion = 3;

/** A figure the target cannot expose is null with a reason, never invented. */
export const Unavailable = z.object({ value: z.null(), reason: z.string() });
export const maybe = <T extends z.ZodType>(t: T) => z.union([z.object({ value: t }), Unavailable]);

/** Judged and passed, judged and failed, or not judged at all: the run could not have shown the defect. */
export const criterionStatuses = ["passed", "failed", "not-judged"] as const;
export const CriterionStatus = z.enum(criterionStatuses);
export type CriterionStatus = z.infer<typeof CriterionStatus>;

/**
 * Why a criterion was not judged: the run did not exercise what it checks, the target does not expose the
 * figure, or there was no data to judge.
 */
export const NotJudgedBecause = z.enum(["not-exercised", "not-exposed", "no-data"]);
export type NotJudgedBecause = z.infer<typeof NotJudgedBecause>;

export const Criterion = z.object({
  id: z.string(),
  title: z.string(),
  /** `not-judged` is neither a pass nor a failure: it does not fail the run, and a battery requiring it misses. */
  status: CriterionStatus,
  /** Always `status === "passed"`. */
  passed: z.boolean(),
  observed: z.number().nullable(),
  threshold: z.number(),
  unit: z.string(),
  /** How observed is compared with threshold; absent means `<=`. */
  comparison: z.enum(["<=", ">="]).optional(),
  /** A judged criterion that observed nothing fails, and says why; or a remark on a judged figure. */
  note: z.string().optional(),
  /** Not judged only: why (a sentence with the figures), and which kind of why. */
  reason: z.string().optional(),
  notJudgedBecause: NotJudgedBecause.optional(),
});
export type Criterion = z.infer<typeof Criterion>;

export const FaultResult = z.object({
  id: z.string(),
  kind: z.string(),
  link: z.string(),
  plannedStartMs: z.number(),
  plannedEndMs: z.number(),
  appliedStartMs: z.number().nullable(),
  appliedEndMs: z.number().nullable(),
  startSkewMs: z.number().nullable(),
  timeToDetectMs: z.number().nullable(),
  timeToRecoverMs: z.number().nullable(),
  errorRateDuring: z.number().nullable(),
  p95DuringMs: z.number().nullable(),
  requestsDuring: z.number().int(),
  /** Error rate during the fault divided by the SLO's error rate (1 = burning the budget exactly as fast as allowed). */
  burnRate: z.number().nullable().optional(),
  /** Errors during the fault as a share of the whole run's error budget (SLO error rate × requests). */
  errorBudgetBurned: z.number().nullable().optional(),
  errors: z.array(z.string()),
});
export type FaultResult = z.infer<typeof FaultResult>;

/** How the load engine ran, from its own account in run.json (`engine`): its result, less what the verdict shows elsewhere. */
export const EngineReport = EngineResult.pick({
  reason: true,
  workers: true,
  workerStartOffsetsMs: true,
}).extend({
  iterations: EngineResult.shape.iterations.omit({ planned: true }),
});
export type EngineReport = z.infer<typeof EngineReport>;

export const Verdict = z.object({
  schemaVersion: z.literal(verdictSchemaVersion),
  runId: z.string(),
  target: z.string(),
  profile: z.string(),
  faultPlan: z.string(),
  loadStartedAt: z.string(),
  outcome: z.enum(["passed", "failed", "inconclusive"]),
  passed: z.boolean(),
  inconclusiveReasons: z.array(z.string()),
  criteria: z.array(Criterion),
  faults: z.array(FaultResult),
  baseline: z.object({
    fromMs: z.number(),
    toMs: z.number(),
    requests: z.number().int(),
    errorRate: z.number().nullable(),
    p95Ms: z.number().nullable(),
  }),
  tolerance: z.object({
    errorRateMax: z.number().nullable(),
    p95MaxMs: z.number().nullable(),
    windowMs: z.number(),
    recoverWindows: z.number(),
    rule: z.string(),
  }),
  steady: z.object({
    requests: z.number().int(),
    errorRate: z.number().nullable(),
    p50Ms: z.number().nullable(),
    p95Ms: z.number().nullable(),
    p99Ms: z.number().nullable(),
  }),
  steps: z.array(
    z.object({
      step: z.string(),
      requests: z.number().int(),
      errorRate: z.number().nullable(),
      p50Ms: z.number().nullable().optional(),
      p95Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    }),
  ),
  provinces: z
    .array(
      z.object({
        province: z.string(),
        requests: z.number().int(),
        errorRate: z.number().nullable(),
        p95Ms: z.number().nullable(),
      }),
    )
    .optional(),
  /** The whole run's error budget against the SLO error rate (steadyErrorRateMax). */
  errorBudget: z
    .object({
      sloErrorRate: z.number(),
      allowedErrors: z.number(),
      errors: z.number().int(),
      burned: z.number().nullable(),
    })
    .optional(),
  dossiers: DossierSummary,
  queue: z.object({
    peakDepth: maybe(z.number()),
    drainTimeMs: maybe(z.number()),
    shed: maybe(z.number()),
    admitted: maybe(z.number()).optional(),
    /** Client side: retries after refused submissions, whether the portal sent Retry-After and the client waited. */
    retryAfter: z
      .object({
        retries: z.number().int(),
        afterRefusal: z.number().int().optional(),
        sentShare: maybe(z.number()),
        honouredShare: maybe(z.number()),
      })
      .optional(),
  }),
  failover: z.object({
    durationMs: maybe(z.number()),
    primaryLostAtMs: z.number().nullable().optional(),
    firstStandbyWriteAtMs: z.number().nullable().optional(),
    promotedAtMs: z.number().nullable().optional(),
    /** The first successful write after the loss as the load saw it, whether or not the target has metrics. */
    firstWriteAtMs: z.number().nullable().optional(),
    /** Write requests refused or failed between the loss and that first write (a figure, not judged). */
    refusedWrites: z.number().int().nullable().optional(),
  }),
  sync: z.object({
    lagMs: maybe(z.number()),
    drainTimeMs: maybe(z.number()).optional(),
    backlogPeak: maybe(z.number()).optional(),
  }),
  /** Where queue, failover and sync figures came from: the target's scraped /metrics, if any. */
  targetMetrics: z
    .object({
      source: z.string(),
      samples: z.number().int(),
      failedSamples: z.number().int(),
      intervalMs: z.number().nullable(),
    })
    .optional(),
  load: z.object({
    plannedIterations: z.number(),
    achievedIterations: z.number(),
    plannedPeakRequestsPerS: z.number(),
    achievedRequests: z.number().int(),
    droppedIterations: z.number(),
    /** How the load engine ended (completed, thresholds-failed, aborted-by-threshold, …): judged, not its exit code. */
    engineStatus: z.enum(engineStatuses),
    engine: EngineReport,
    /** Peaks of the engine's `vus` (busy) and `vus_max` (allocated) gauges; null when none was sampled. */
    vusBusyPeak: z.number().nullable(),
    vusMaxPeak: z.number().nullable(),
    /** How late the engine started scheduled iterations (`iteration_start_lag`); null without arrival rates. */
    startLagP50Ms: z.number().nullable(),
    startLagP99Ms: z.number().nullable(),
    startLagMaxMs: z.number().nullable(),
    /** The scripts' `check()` outcomes, reported, not judged. */
    checks: z.object({ passes: z.number().int(), fails: z.number().int() }),
    bytesSent: z.number(),
    bytesReceived: z.number(),
    generatorCpu: maybe(z.number()),
  }),
  series: z.array(
    z.object({
      t: z.number(),
      requests: z.number().int(),
      errors: z.number().int(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    }),
  ),
  assumptions: z.array(z.string()),
  fingerprint: Fingerprint.extend({
    /** SHA-256 of the run's saved data files (engine results, chaos events, console records, metrics, reconciliation). */
    dataHashes: z.record(z.string(), z.string()).optional(),
  }),
});
export type Verdict = z.infer<typeof Verdict>;

/**
 * A verdict.json as `compare` reads it: the current schema, or one of `schemaVersion` 2 (before criteria had a
 * status), read with each criterion's status taken from `passed`.
 */
export const VerdictFile = z.preprocess((raw) => {
  const v = raw as { schemaVersion?: unknown; criteria?: unknown };
  if (v === null || typeof v !== "object" || v.schemaVersion !== 2 || !Array.isArray(v.criteria)) return raw;
  const criteria = (v.criteria as Array<{ passed?: unknown }>).map((c) => ({
    ...c,
    status: c.passed === true ? "passed" : "failed",
  }));
  return { ...v, schemaVersion: verdictSchemaVersion, criteria };
}, Verdict);
