import type { TargetFigures } from "../../metrics/figures.js";
import type { Criterion, Verdict } from "../schema.js";
import { judge } from "./judge.js";

/** The verdict's national-sync figures, as the target figures measured them. */
export const syncFigures = (s: TargetFigures["sync"]): Verdict["sync"] => ({
  lagMs: s.lagMs,
  drainTimeMs: s.drainTimeMs,
  backlogPeak: s.backlogPeak,
});

/**
 * `sync-drain`: judged when the target exposes metrics, a national-sync backlog formed (lag or backlog above
 * zero) and the run config sets `syncDrainWithinS`.
 */
export const syncCriteria = (
  t: { source: string; sync: TargetFigures["sync"] },
  withinS: number | undefined,
): Criterion[] => {
  const { lagMs, backlogPeak, drainTimeMs: drain } = t.sync;
  const formed = (lagMs.value ?? 0) > 0 || (backlogPeak.value ?? 0) > 0;
  if (t.source === "none" || !formed || withinS === undefined) return [];
  return [
    judge({
      id: "sync-drain",
      title: "National-sync backlog drained after its peak",
      observed: drain.value,
      threshold: withinS * 1000,
      unit: "ms",
      note: drain.value === null ? drain.reason : undefined,
    }),
  ];
};
