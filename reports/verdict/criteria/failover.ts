import type { Measured, TargetFigures } from "../../metrics/figures.js";
import type { PlannedFault } from "../input.js";
import type { Criterion, Verdict } from "../schema.js";
import { fromCatalogue, judgeUnless, type NotJudged } from "./judge.js";

/** Faults that take the primary dossier service away: failover is measured from their applied start. */
export const primaryLossKinds = new Set(["outage", "blackhole", "reset-peer"]);
export const primaryLossLinks = new Set(["gateway-dossier-primary"]);

export const takesPrimary = (f: Pick<PlannedFault, "kind" | "link">): boolean =>
  primaryLossKinds.has(f.kind) && primaryLossLinks.has(f.link);

/** The verdict's failover figures, as the target figures measured them. */
export const failoverFigures = (f: TargetFigures["failover"]): Verdict["failover"] => ({
  durationMs: f.durationMs,
  primaryLostAtMs: f.primaryLostAtMs,
  firstStandbyWriteAtMs: f.firstStandbyWriteAtMs,
  promotedAtMs: f.promotedAtMs,
  firstWriteAtMs: f.firstWriteAtMs,
  refusedWrites: f.refusedWrites,
});

/**
 * `failover`, always listed: judged when the plan takes the primary away and the run config sets
 * `failoverWithinS`; not judged otherwise, with the reason.
 */
export const failoverCriteria = (
  faults: ReadonlyArray<Pick<PlannedFault, "kind" | "link">>,
  durationMs: Measured,
  withinS: number | undefined,
): Criterion[] => {
  const why: NotJudged | null = !faults.some(takesPrimary)
    ? { because: "not-exercised", reason: "no fault in the plan takes the primary dossier service away" }
    : withinS === undefined
      ? { because: "not-exercised", reason: "the run config sets no failover limit (failoverWithinS)" }
      : null;
  return [
    judgeUnless(
      {
        ...fromCatalogue("failover"),
        observed: durationMs.value,
        threshold: (withinS ?? 0) * 1000,
        note: durationMs.value === null ? durationMs.reason : undefined,
      },
      why,
    ),
  ];
};
