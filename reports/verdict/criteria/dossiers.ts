import type { DossierSummary } from "../../reconcile/reconcile.js";
import type { Criterion } from "../schema.js";
import { fromCatalogue, judgeUnless, type NotJudged } from "./judge.js";

export type DossierFigures = Pick<
  DossierSummary,
  "acknowledged" | "found" | "lost" | "duplicated" | "illegalTransitions" | "stuck" | "lookupErrors"
> &
  Partial<Pick<DossierSummary, "stuckReason" | "keyRetriesReachedPortal">>;

const none = (id: string, observed: number | null, why: NotJudged | null, note?: string): Criterion =>
  judgeUnless({ ...fromCatalogue(id), observed, threshold: 0, note }, why);

const noAck: NotJudged = { because: "not-exercised", reason: "no dossier was acknowledged" };

/** Duplicates are possible only when a retry reusing a key reached the portal; one found fails regardless. */
const duplicatesExercised = (d: DossierFigures): NotJudged | null => {
  if (d.duplicated > 0) return null;
  if (d.acknowledged === 0) return noAck;
  const retried = d.keyRetriesReachedPortal;
  if (retried === undefined || retried === null)
    return {
      because: "no-data",
      reason: "the dossier records do not say whether any retry reached the portal",
    };
  return retried > 0
    ? null
    : {
        because: "not-exercised",
        reason:
          "no retry reusing an idempotency key reached the portal (every retry followed a refused connection, or none was needed)",
      };
};

/** Stuck is judged when some dossier progressed and the deadline fit in the run (reconcile says when not). */
const stuckExercised = (d: DossierFigures): NotJudged | null => {
  if (d.stuck !== null) return null;
  if (d.acknowledged === 0) return noAck;
  return {
    because: "not-exercised",
    reason:
      d.stuckReason ??
      "no dossier progressed past its first status, so stuck dossiers cannot be told from unprocessed ones",
  };
};

/**
 * What reconciliation found, none of it allowed: lost, duplicated, illegal transitions, stuck and lookups that
 * failed after retries. Each is judged only when the run could have shown it: nothing without an acknowledged
 * dossier, duplicates only when a retry with a reused key reached the portal, illegal moves only when some
 * dossier was found, stuck only when a dossier progressed and the deadline fit in the run.
 */
export const dossierCriteria = (d: DossierFigures): Criterion[] => {
  const acked = d.acknowledged > 0 ? null : noAck;
  const foundAny: NotJudged | null =
    d.acknowledged === 0
      ? noAck
      : d.found === 0 && d.illegalTransitions === null
        ? { because: "no-data", reason: "no acknowledged dossier was found to check" }
        : null;
  return [
    none("dossiers-lost", d.lost, acked),
    none("dossiers-duplicated", d.duplicated, duplicatesExercised(d)),
    none(
      "dossiers-illegal-transitions",
      d.illegalTransitions,
      foundAny,
      d.illegalTransitions === null ? "the portal returned no status history" : undefined,
    ),
    none("dossiers-stuck", d.stuck, stuckExercised(d)),
    none("dossiers-lookup-errors", d.lookupErrors, acked),
  ];
};
