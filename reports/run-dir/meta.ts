import { z } from "zod";
import { engineStatuses } from "../../engine/config.js";
import { Fingerprint } from "../../kernel/fingerprint.js";
import { maybe } from "../verdict/schema.js";

/**
 * `run.json`: what only the run itself knew (t0, how the engine ended, tool versions, hashes of its inputs).
 * Written once the load has ended, so `portal-harness report` can rebuild every report from the run directory
 * alone.
 */
export const EngineSummary = z.object({
  /** How the engine ended: completed, thresholds-failed, aborted-by-threshold, aborted-by-script, error, interrupted. */
  status: z.enum(engineStatuses),
  exitCode: z.number().int(),
  reason: z.array(z.string()),
  workers: z.number().int(),
  /** Each worker thread's start behind t0 (ms). */
  workerStartOffsetsMs: z.array(z.number().nullable()),
  iterations: z.object({
    started: z.number().int(),
    completed: z.number().int(),
    interrupted: z.number().int(),
    dropped: z.number().int(),
    planned: z.number().int().nullable(),
    errors: z.number().int(),
  }),
  vusMax: z.number().int(),
});
export type EngineSummary = z.infer<typeof EngineSummary>;

export const RunMeta = z.object({
  schemaVersion: z.literal(2),
  runId: z.string(),
  target: z.string(),
  profile: z.string(),
  faultPlan: z.string(),
  /** t0: the instant the engine released its schedule and the fault timeline started (ISO). */
  loadStartedAt: z.string(),
  /** t0 in epoch ms: results, chaos events and metrics samples are placed against it. */
  t0WallMs: z.number(),
  engine: EngineSummary,
  plannedIterations: z.number(),
  plannedPeakRequestsPerS: z.number(),
  durationS: z.number(),
  /** The target's metrics endpoint, or null with why there is none. */
  metrics: z.object({ url: z.string().nullable(), reason: z.string().nullable() }),
  generatorCpu: z.object({ mean: maybe(z.number()), peak: z.number().nullable(), cores: z.number().int() }),
  assumptions: z.array(z.string()),
  fingerprint: Fingerprint,
});
export type RunMeta = z.infer<typeof RunMeta>;
