import { z } from "zod";

export const verdictSchemaVersion = 1;

/** A figure the target cannot expose is null with a reason, never invented. */
const Unavailable = z.object({ value: z.null(), reason: z.string() });
const maybe = <T extends z.ZodType>(t: T) => z.union([z.object({ value: t }), Unavailable]);

export const Criterion = z.object({
  id: z.string(),
  title: z.string(),
  passed: z.boolean(),
  observed: z.number().nullable(),
  threshold: z.number(),
  unit: z.string(),
  /** A criterion that could not be judged (no data) fails, and says why. */
  note: z.string().optional(),
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
  errors: z.array(z.string()),
});
export type FaultResult = z.infer<typeof FaultResult>;

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
      p95Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    }),
  ),
  dossiers: z.object({
    submitted: z.number().int(),
    acknowledged: z.number().int(),
    found: z.number().int(),
    lost: z.number().int(),
    duplicated: z.number().int(),
    stuck: z.number().int().nullable(),
    illegalTransitions: z.number().int().nullable(),
    examples: z.object({
      lost: z.array(z.string()),
      duplicated: z.array(z.string()),
      malformed: z.array(z.string()),
    }),
    lookupErrors: z.number().int(),
    notes: z.array(z.string()),
  }),
  queue: z.object({
    peakDepth: maybe(z.number()),
    drainTimeMs: maybe(z.number()),
    shed: maybe(z.number()),
  }),
  failover: z.object({ durationMs: maybe(z.number()) }),
  sync: z.object({ lagMs: maybe(z.number()) }),
  load: z.object({
    plannedIterations: z.number(),
    achievedIterations: z.number(),
    plannedPeakRequestsPerS: z.number(),
    achievedRequests: z.number().int(),
    droppedIterations: z.number(),
    k6ExitCode: z.number().nullable(),
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
  fingerprint: z.object({
    tools: z.record(z.string(), z.string()),
    configHash: z.string(),
    profileHash: z.string(),
    faultPlanHash: z.string(),
    scenarioBundleHash: z.string(),
    seed: z.number(),
    gitRevision: z.string().nullable(),
    node: z.string(),
  }),
});
export type Verdict = z.infer<typeof Verdict>;
