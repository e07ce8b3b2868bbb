import type { DossierSummary } from "../../reconcile/reconcile.js";
import type { Criterion } from "../schema.js";
import { judge } from "./judge.js";

const none = (id: string, title: string, observed: number | null, unit = "dossiers", note?: string) =>
  judge({ id, title, observed, threshold: 0, unit, note });

/**
 * What reconciliation found, none of it allowed: lost, duplicated, illegal transitions, stuck (only when the
 * run shows processing at all: reconcile sets it to null otherwise) and lookups that failed after retries.
 */
export const dossierCriteria = (
  d: Pick<DossierSummary, "lost" | "duplicated" | "illegalTransitions" | "stuck" | "lookupErrors">,
): Criterion[] => [
  none("dossiers-lost", "Acknowledged dossiers the portal cannot find", d.lost),
  none("dossiers-duplicated", "Idempotency keys that produced more than one dossier", d.duplicated),
  none(
    "dossiers-illegal-transitions",
    "Dossiers whose status history makes an illegal move",
    d.illegalTransitions,
    "dossiers",
    d.illegalTransitions === null ? "the portal returned no status history" : undefined,
  ),
  ...(d.stuck === null
    ? []
    : [none("dossiers-stuck", "Dossiers with no progress past the deadline", d.stuck)]),
  none(
    "dossiers-lookup-errors",
    "Reconciliation complete (lookups that failed after retries)",
    d.lookupErrors,
    "lookups",
  ),
];
