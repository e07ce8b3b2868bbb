import type { DossierRecord } from "./records.js";

/**
 * Whether the run could have shown a defect at all, from the dossier records: a criterion the run did not
 * exercise is not judged, rather than passed.
 */

/**
 * Acknowledged dossiers whose idempotency key was retried after an earlier attempt reached the portal: only
 * those could have made a duplicate. Null when the records do not say (written before this was recorded).
 */
export const keyRetriesReachedPortal = (acked: readonly DossierRecord[]): number | null => {
  if (acked.length > 0 && acked.every((r) => r.retriesAfterReach === undefined)) return null;
  return acked.filter((r) => (r.retriesAfterReach ?? 0) > 0).length;
};

/**
 * Why no dossier could have been stuck, or null when one could: a dossier is stuck after `stuckAfterMs`
 * without change, and none changes before it is acknowledged, so some acknowledged dossier must be older than
 * the deadline when reconciliation looks.
 */
export const stuckDeadlineMissed = (
  acked: ReadonlyArray<Pick<DossierRecord, "at">>,
  lookedAtMs: number,
  stuckAfterMs: number,
): string | null => {
  if (acked.length === 0) return "no dossier was acknowledged";
  const oldest = acked.reduce((m, r) => Math.min(m, r.at), Number.POSITIVE_INFINITY);
  const ageS = Math.max(0, (lookedAtMs - oldest) / 1000);
  if (lookedAtMs - oldest >= stuckAfterMs) return null;
  return `the deadline (${stuckAfterMs / 1000} s) does not fit in the time left after submissions: the oldest acknowledged dossier was ${ageS.toFixed(1)} s old when reconciliation looked`;
};

/**
 * Records on the summary what the run exercised: retries that put keys to the test, and whether the stuck
 * deadline fit (when it did not, `stuck` is null with the reason, unless a stuck dossier was found anyway).
 */
export const exercised = (
  summary: {
    stuck: number | null;
    stuckReason?: string | undefined;
    keyRetriesReachedPortal?: number | null | undefined;
    notes: string[];
  },
  acked: readonly DossierRecord[],
  lookedAtMs: number,
  stuckAfterMs: number,
): void => {
  summary.keyRetriesReachedPortal = keyRetriesReachedPortal(acked);
  const missed = stuckDeadlineMissed(acked, lookedAtMs, stuckAfterMs);
  if (missed === null || (summary.stuck ?? 0) > 0) return;
  if (summary.stuck !== null) summary.notes.push(`stuck dossiers cannot be judged: ${missed}`);
  summary.stuck = null;
  summary.stuckReason = missed;
};
