import { z } from "zod";

/** One line of `chaos-events.ndjson`: what the chaos clock really did, in ms after t0. */
export const ChaosEvent = z.object({
  faultId: z.string(),
  kind: z.string(),
  link: z.string(),
  phase: z.enum(["apply", "remove"]),
  outcome: z.enum(["ok", "recreated", "error"]),
  plannedMs: z.number(),
  /** When the admin call was sent. */
  requestedMs: z.number(),
  /** When toxiproxy confirmed it (the fault is in force from here at the latest). */
  appliedMs: z.number(),
  error: z.string().optional(),
});
export type ChaosEvent = z.infer<typeof ChaosEvent>;
