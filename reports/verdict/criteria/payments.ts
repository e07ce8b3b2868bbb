import type { PaymentsReconciliation } from "../../reconcile/payments.js";
import type { Criterion } from "../schema.js";
import { fromCatalogue, judgeUnless, type NotJudged } from "./judge.js";

const named = (examples: readonly string[]): string | undefined =>
  examples.length > 0 ? `e.g. ${examples.slice(0, 3).join("; ")}` : undefined;

/**
 * `payments-unsettled`: every payment the portal confirmed is final (paid or failed) within the limit.
 * `payments-dossier-unpaid`: every paid payment shows as paid on its dossier. Judged when the load confirmed a
 * payment (and, for the second, one was paid and the portal's dossiers carry their payments).
 */
export const paymentCriteria = (p: PaymentsReconciliation | undefined): Criterion[] => {
  const confirmed: NotJudged | null =
    p === undefined
      ? { because: "no-data", reason: "the reconciliation did not check payments" }
      : p.confirmed === 0
        ? { because: "not-exercised", reason: "the load confirmed no payment" }
        : null;
  const paid: NotJudged | null =
    confirmed ??
    (p && p.dossierUnpaid === null
      ? { because: "not-exposed", reason: "the portal's dossiers carry no payments list" }
      : p && p.paid === 0
        ? { because: "not-exercised", reason: "no confirmed payment was paid" }
        : null);
  return [
    judgeUnless(
      {
        ...fromCatalogue("payments-unsettled"),
        observed: p?.unsettled ?? null,
        threshold: 0,
        note: p ? named(p.examples.unsettled) : undefined,
      },
      confirmed,
    ),
    judgeUnless(
      {
        ...fromCatalogue("payments-dossier-unpaid"),
        observed: p?.dossierUnpaid ?? null,
        threshold: 0,
        note: p ? named(p.examples.dossierUnpaid) : undefined,
      },
      paid,
    ),
  ];
};
