import { z } from "zod";
import { Step } from "../profiles/schema.js";

export const sloSchemaVersion = 1;

const StepObjective = z
  .object({
    p95Ms: z.number().positive(),
    p99Ms: z.number().positive(),
    /** Share of failed requests allowed. */
    errorRate: z.number().min(0).max(1),
  })
  .strict();

/**
 * Service-level objectives. Step objectives are judged by the harness on steady-state windows (faults are
 * expected to hurt; recovery is judged separately). `fatal` limits become k6 thresholds that abort the run
 * early, so a broken release stops a CI job in seconds instead of minutes.
 */
export const Slo = z
  .object({
    schemaVersion: z.literal(sloSchemaVersion),
    name: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string().max(500).default(""),
    steps: z.partialRecord(Step, StepObjective),
    /** p95 of the time from the first submission attempt to the portal's acknowledgement (ms). */
    acknowledgementP95Ms: z.number().positive(),
    fatal: z
      .object({
        errorRate: z.number().min(0).max(1),
        p99Ms: z.number().positive(),
        /** Fatal limits are not judged before this many seconds of load. */
        graceS: z.number().min(0).max(3600).default(10),
      })
      .strict(),
  })
  .strict();
export type Slo = z.infer<typeof Slo>;
