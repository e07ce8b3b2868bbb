import type { Measured, TargetFigures } from "../../metrics/figures.js";
import type { PlannedFault } from "../input.js";
import type { Criterion, Verdict } from "../schema.js";
import { judge } from "./judge.js";

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
});

/** `failover`: judged when the plan takes the primary away and the run config sets `failoverWithinS`. */
export const failoverCriteria = (
  faults: ReadonlyArray<Pick<PlannedFault, "kind" | "link">>,
  durationMs: Measured,
  withinS: number | undefined,
): Criterion[] =>
  faults.some(takesPrimary) && withinS !== undefined
    ? [
        judge({
          id: "failover",
          title: "Failover: primary loss to first successful write on the standby",
          observed: durationMs.value,
          threshold: withinS * 1000,
          unit: "ms",
          note: durationMs.value === null ? durationMs.reason : undefined,
        }),
      ]
    : [];
