import { z } from "zod";

export const runConfigSchemaVersion = 1;

export const Safety = z
  .object({
    /** Refuse a plan whose peak request rate is above this. */
    maxRequestsPerS: z.number().positive().max(50_000).default(2000),
    /** Refuse a plan longer than this. */
    maxDurationS: z.number().positive().max(86_400).default(1800),
    /** The engine aborts the run when the cumulative error rate passes this (after the SLO's grace). */
    abortOnErrorRate: z.number().min(0).max(1).default(0.5),
    /** Per-request timeout in the engine, so a blackholed link cannot hold VUs for k6's 60 s default. */
    requestTimeoutS: z.number().positive().max(120).default(10),
  })
  .strict();

export const Analysis = z
  .object({
    windowMs: z.number().int().min(100).max(60_000).default(1000),
    /** Consecutive in-tolerance windows that count as recovered. */
    recoverWindows: z.number().int().min(1).max(600).default(5),
    /** Error rate tolerance above baseline, in percentage points. */
    errorRateTolerancePp: z.number().min(0).max(100).default(1),
    /** p95 tolerance: at most this factor of the baseline p95 ... */
    p95Factor: z.number().min(1).max(100).default(1.5),
    /** ... or baseline p95 plus this slack, whichever is larger (a 2 ms baseline would make 1.5× pure noise). */
    p95SlackMs: z.number().min(0).max(60_000).default(25),
    /** Minimum steady-state baseline before the first fault. */
    baselineMinS: z.number().min(0).max(3600).default(10),
  })
  .strict();

export const Criteria = z
  .object({
    steadyErrorRateMax: z.number().min(0).max(1).default(0.01),
    steadyP95MaxMs: z.number().positive().default(500),
    recoverWithinS: z.number().positive().default(10),
    maxStartSkewMs: z.number().min(0).default(250),
    /** A run that dropped more than this share of planned iterations is inconclusive. */
    maxDroppedIterationsShare: z.number().min(0).max(1).default(0.001),
    /** From primary loss to the first successful write on the standby (judged when the target has metrics). */
    failoverWithinS: z.number().positive().default(10),
    /** The gateway's queue must drain within this after its peak (judged when the target has metrics). */
    queueDrainWithinS: z.number().positive().default(10),
    /** The national-sync backlog must drain within this after its peak (judged when the target has metrics). */
    syncDrainWithinS: z.number().positive().default(30),
    /** A non-final dossier without a status change for this long is stuck (judged once any dossier progresses). */
    stuckAfterS: z.number().positive().default(60),
    /** Share of the run's error budget (SLO error rate × requests) it may burn in all; unset: reported only. */
    maxErrorBudgetBurned: z.number().positive().optional(),
  })
  .strict();

export const Engine = z
  .object({
    /** Worker threads of the load engine; one leaves the mock a core on a 2-core machine. */
    workers: z.number().int().min(1).max(64).default(1),
  })
  .strict();

export const MockTarget = z
  .object({
    kind: z.literal("mock"),
    variant: z.string().default("healthy"),
  })
  .strict();

export const UrlTarget = z
  .object({
    kind: z.literal("url"),
    baseUrl: z.url(),
    /** Hosts this config allows besides loopback; any other host is refused (exit 2). */
    allowHosts: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const Target = z.discriminatedUnion("kind", [MockTarget, UrlTarget]);
export type Target = z.infer<typeof Target>;

/** A run config file. Flags override its fields. */
export const RunConfig = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(runConfigSchemaVersion),
    target: Target.default({ kind: "mock", variant: "healthy" }),
    /** Built-in profile name or a profile file. */
    profile: z.string().min(1).default("july1-peak"),
    /** Built-in fault plan name or a fault-plan file. */
    faults: z.string().min(1).default("demo"),
    /** Built-in SLO name or an SLO file: step objectives for the verdict, fatal limits the engine aborts on. */
    slo: z.string().min(1).default("default"),
    scale: z.number().positive().max(10).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(20250701),
    safety: Safety.default(Safety.parse({})),
    engine: Engine.default(Engine.parse({})),
    analysis: Analysis.default(Analysis.parse({})),
    criteria: Criteria.default(Criteria.parse({})),
  })
  .strict();
export type RunConfig = z.infer<typeof RunConfig>;
