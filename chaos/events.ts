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

/**
 * When a fault really was in force, from its events (ms after t0): `start` when toxiproxy confirmed its apply,
 * `end` when it confirmed its last removal (flapping and ramp remove more than once); null when that never
 * happened. `errors` lists the steps that failed. The one place that reads applied times from events.
 */
export interface AppliedTimes {
  start: number | null;
  end: number | null;
  errors: string[];
}

const tookEffect = (e: ChaosEvent): boolean => e.outcome !== "error";

export const appliedTimes = (faultId: string, events: readonly ChaosEvent[]): AppliedTimes => {
  const mine = events.filter((e) => e.faultId === faultId);
  const apply = mine.find((e) => e.phase === "apply" && tookEffect(e));
  const remove = mine.filter((e) => e.phase === "remove" && tookEffect(e)).at(-1);
  return {
    start: apply?.appliedMs ?? null,
    end: remove?.appliedMs ?? null,
    errors: mine.filter((e) => !tookEffect(e)).map((e) => `${e.phase}: ${e.error ?? "failed"}`),
  };
};

/** When the apply that took effect was sent: the fault may bite from then, before toxiproxy confirms it. */
export const applyRequestedAt = (faultId: string, events: readonly ChaosEvent[]): number | null =>
  events.find((e) => e.faultId === faultId && e.phase === "apply" && tookEffect(e))?.requestedMs ?? null;
