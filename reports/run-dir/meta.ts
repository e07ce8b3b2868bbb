import { z } from "zod";
import { maybe } from "../verdict/schema.js";

/**
 * `run.json`: what only the run itself knew (t0, k6's exit code, tool versions, hashes of its inputs). Written
 * once the load has ended, so `portal-harness report` can rebuild every report from the run directory alone.
 */
export const RunMeta = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  target: z.string(),
  profile: z.string(),
  faultPlan: z.string(),
  loadStartedAt: z.string(),
  /** Wall time of t0 (epoch ms): k6 timestamps and metrics samples are placed against it. */
  t0WallMs: z.number(),
  k6ExitCode: z.number().nullable(),
  plannedIterations: z.number(),
  plannedPeakRequestsPerS: z.number(),
  durationS: z.number(),
  /** The target's metrics endpoint, or null with why there is none. */
  metrics: z.object({ url: z.string().nullable(), reason: z.string().nullable() }),
  generatorCpu: z.object({ mean: maybe(z.number()), peak: z.number().nullable(), cores: z.number().int() }),
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
export type RunMeta = z.infer<typeof RunMeta>;
