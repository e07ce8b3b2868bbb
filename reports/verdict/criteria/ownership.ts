import type { DossierSummary } from "../../reconcile/reconcile.js";
import type { Criterion } from "../schema.js";
import { fromCatalogue, judgeUnless, type NotJudged } from "./judge.js";

const named = (examples: readonly string[] | undefined): string | undefined =>
  examples && examples.length > 0 ? `e.g. ${examples.slice(0, 3).join("; ")}` : undefined;

/**
 * `dossiers-code-shared`: every acknowledged code belongs to one submission (acknowledged to one idempotency key
 * and found carrying it). Judged once a dossier was acknowledged; a reconciliation saved before ownership was
 * checked has no figure.
 */
export const codeSharedCriteria = (
  d: Pick<DossierSummary, "acknowledged" | "codeShared"> & {
    examples: Pick<DossierSummary["examples"], "codeShared">;
  },
): Criterion[] => {
  const why: NotJudged | null =
    d.codeShared === undefined
      ? { because: "no-data", reason: "the reconciliation did not check who owns each code" }
      : d.acknowledged === 0
        ? { because: "not-exercised", reason: "no dossier was acknowledged" }
        : null;
  return [
    judgeUnless(
      {
        ...fromCatalogue("dossiers-code-shared"),
        observed: d.codeShared ?? null,
        threshold: 0,
        note: named(d.examples.codeShared),
      },
      why,
    ),
  ];
};
