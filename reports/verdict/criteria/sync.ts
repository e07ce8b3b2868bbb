import type { TargetFigures } from "../../metrics/figures.js";
import type { Criterion, Verdict } from "../schema.js";
import { fromCatalogue, judgeUnless } from "./judge.js";
import { drainNotJudged } from "./queue.js";

/** The verdict's national-sync figures, as the target figures measured them. */
export const syncFigures = (s: TargetFigures["sync"]): Verdict["sync"] => ({
  lagMs: s.lagMs,
  drainTimeMs: s.drainTimeMs,
  backlogPeak: s.backlogPeak,
});

/**
 * `sync-drain`, always listed: judged when the target exposes metrics, a national-sync backlog formed (lag or
 * backlog above zero) and the run config sets `syncDrainWithinS`.
 */
export const syncCriteria = (
  t: { source: string; sync: TargetFigures["sync"] },
  withinS: number | undefined,
): Criterion[] => {
  const { lagMs, backlogPeak, drainTimeMs: drain } = t.sync;
  const why = drainNotJudged({
    withinS,
    limit: "syncDrainWithinS",
    exposed: t.source !== "none" && (lagMs.value !== null || backlogPeak.value !== null),
    formed: (lagMs.value ?? 0) > 0 || (backlogPeak.value ?? 0) > 0,
    nothing: "no national-sync backlog formed (lag and backlog stayed at 0)",
  });
  return [
    judgeUnless(
      {
        ...fromCatalogue("sync-drain"),
        observed: drain.value,
        threshold: (withinS ?? 0) * 1000,
        note: drain.value === null ? drain.reason : undefined,
      },
      why,
    ),
  ];
};
