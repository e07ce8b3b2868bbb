import type { NationalSync } from "../../reconcile/national.js";
import type { Criterion } from "../schema.js";
import { fromCatalogue, judgeUnless, type NotJudged } from "./judge.js";

const named = (examples: readonly string[], errors: number): string | undefined => {
  const parts = [
    ...(examples.length > 0 ? [`e.g. ${examples.slice(0, 3).join("; ")}`] : []),
    ...(errors > 0 ? [`${errors} lookups failed after retries`] : []),
  ];
  return parts.length > 0 ? parts.join("; ") : undefined;
};

/**
 * `national-sync-missing`, `national-sync-stale`: every dossier found at the portal is at the national portal
 * (nationalDossier), in the portal's latest status, within the drain limit after the last fault ended. Judged
 * when some dossier was found and the target answers the lookup.
 */
export const nationalSyncCriteria = (n: NationalSync | undefined): Criterion[] => {
  const why: NotJudged | null =
    n === undefined
      ? { because: "no-data", reason: "the reconciliation did not check the national portal" }
      : n.notExposed !== undefined
        ? { because: "not-exposed", reason: n.notExposed }
        : n.checked === 0
          ? { because: "not-exercised", reason: "no acknowledged dossier was found to look for nationally" }
          : null;
  return [
    judgeUnless(
      {
        ...fromCatalogue("national-sync-missing"),
        observed: n?.missing ?? null,
        threshold: 0,
        note: n ? named(n.examples.missing, n.lookupErrors) : undefined,
      },
      why,
    ),
    judgeUnless(
      {
        ...fromCatalogue("national-sync-stale"),
        observed: n?.stale ?? null,
        threshold: 0,
        note: n ? named(n.examples.stale, 0) : undefined,
      },
      why,
    ),
  ];
};
