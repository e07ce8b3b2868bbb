import { catalogueEntry, criteriaCatalogue } from "../verdict/catalogue.js";
import { requiredCriterion } from "../verdict/required.js";
import type { Criterion } from "../verdict/schema.js";
import type { Battery, Certificate, CertificateCriterion } from "./schema.js";

/** Whether a battery's required entry (an id, or a generated family's pattern) names this criterion. */
const names = (wanted: string, id: string): boolean =>
  wanted === id ||
  criteriaCatalogue.find((e) => e.id === wanted && e.pattern !== undefined)?.pattern?.test(id) === true;

const row = (c: Criterion, required: boolean): CertificateCriterion => ({
  id: c.id,
  title: c.title,
  status: c.status,
  required,
  ...(c.observed === null ? {} : { value: c.observed }),
  limit: c.threshold,
  unit: c.unit,
  ...(c.comparison === undefined ? {} : { comparison: c.comparison }),
  // Not judged: why; judged: the verdict's remark on the figure, if any.
  ...(c.reason === undefined && c.note === undefined ? {} : { reason: c.reason ?? c.note }),
});

/**
 * The certificate's criteria: every criterion of the verdict, marked required when the battery requires it,
 * then a not-judged row for each required one the verdict does not hold at all.
 */
export const certificateCriteria = (
  criteria: readonly Criterion[],
  battery: Battery,
): CertificateCriterion[] => {
  const rows = criteria.map((c) =>
    row(
      c,
      battery.requiredCriteria.some((w) => names(w, c.id)),
    ),
  );
  const absent = battery.requiredCriteria
    .filter((w) => !criteria.some((c) => names(w, c.id)))
    .map(
      (w): CertificateCriterion => ({
        id: w,
        title: catalogueEntry(w)?.title ?? w,
        status: "not-judged",
        required: true,
        reason: "the verdict has no such criterion",
      }),
    );
  return [...rows, ...absent];
};

/**
 * Certified iff every criterion the battery requires passed and no criterion of the run failed: a required one
 * not judged or not in the verdict at all refuses it (a miss is never a pass), and so does any failed finding,
 * required or not (a certificate is never issued over, say, stuck dossiers).
 */
export const certificateOutcome = (
  criteria: readonly Criterion[],
  battery: Battery,
): Certificate["outcome"] =>
  battery.requiredCriteria.every((w) => requiredCriterion(criteria, w).result === "passed") &&
  !criteria.some((c) => c.status === "failed")
    ? "certified"
    : "not-certified";
