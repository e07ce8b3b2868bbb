import { z } from "zod";

/**
 * One line of `chaos-events.ndjson`: what the chaos clock really did, in ms after t0. A fault's first event is
 * its `apply`, its last its `remove`; faults that change while in force (flapping, ramp) record each change
 * between as a `step`, with a label saying what it did.
 */
export const ChaosEvent = z.object({
  faultId: z.string(),
  kind: z.string(),
  link: z.string(),
  phase: z.enum(["apply", "step", "remove"]),
  /** What this step did ("down 2/5", "latency 300 ms (3/4)", "remove", "removed at stop"). */
  step: z.string().optional(),
  outcome: z.enum(["ok", "recreated", "error"]),
  plannedMs: z.number(),
  /** When the admin call was sent. */
  requestedMs: z.number(),
  /** When toxiproxy confirmed it (the fault is in force from here at the latest). */
  appliedMs: z.number(),
  error: z.string().optional(),
});
export type ChaosEvent = z.infer<typeof ChaosEvent>;
