import { z } from "zod";
import { Target } from "../../chaos/target.js";
import { hardCaps } from "../../engine/config.js";
import { Analysis, Criteria } from "../../reports/settings.js";

export { Analysis, Criteria, Target };

export const runConfigSchemaVersion = 1;

/** A run's own limits, each at most the engine's hard cap (`hardCaps`): a config can lower them, never raise them. */
export const Safety = z
  .object({
    /** Refuse a plan whose peak request rate is above this. */
    maxRequestsPerS: z.number().positive().max(hardCaps.maxRatePerS).default(2000),
    /** Refuse a plan longer than this. */
    maxDurationS: z.number().positive().max(hardCaps.maxDurationS).default(1800),
    /** Refuse a plan whose VU pools hold more than this. */
    maxVUs: z.number().int().positive().max(hardCaps.maxVUs).default(hardCaps.maxVUs),
    /**
     * The engine stops the load past this many bytes sent and received (20 GB: about 2 KB a request at
     * July 1's full scale for 30 min).
     */
    maxBytes: z.number().int().positive().max(hardCaps.maxBytes).default(20_000_000_000),
    /** The engine aborts the run when the cumulative error rate passes this (after the SLO's grace). */
    abortOnErrorRate: z.number().min(0).max(1).default(0.5),
    /** Per-request timeout in the engine, so a blackholed link cannot hold VUs for k6's 60 s default. */
    requestTimeoutS: z.number().positive().max(120).default(10),
  })
  .strict();

export const Engine = z
  .object({
    /** Worker threads of the load engine; one leaves the mock a core on a 2-core machine. */
    workers: z.number().int().min(1).max(64).default(1),
  })
  .strict();

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
