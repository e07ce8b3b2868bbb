import { criteriaCatalogue } from "./catalogue.js";
import type { Criterion } from "./schema.js";

/** How a criterion that a battery requires came out: `missed` when it was not judged or not there at all. */
export interface RequiredResult {
  id: string;
  result: "passed" | "failed" | "missed";
  /** Why it missed (the criterion's not-judged reason, or that the verdict does not hold it). */
  reason?: string;
}

/** Whether a verdict's criterion `id` is what `wanted` (an id or a generated family's pattern) names. */
export const requiredMatches = (wanted: string, id: string): boolean => {
  if (wanted === id) return true;
  // A generated family named by its pattern (`slo-<step>-<stat>`) requires any one of its criteria.
  const family = criteriaCatalogue.find((e) => e.id === wanted && e.pattern !== undefined);
  return family?.pattern?.test(id) === true;
};

/**
 * For a battery that requires a criterion (selftest, certify): a not-judged criterion is a miss, never a pass
 * and never a catch. `wanted` is a criterion id or a generated family's pattern (`recover-<fault>`): any failed
 * member makes it failed, otherwise any not-judged or absent one a miss, otherwise passed.
 */
export const requiredCriterion = (criteria: readonly Criterion[], wanted: string): RequiredResult => {
  const found = criteria.filter((c) => requiredMatches(wanted, c.id));
  if (found.length === 0)
    return { id: wanted, result: "missed", reason: "the verdict has no such criterion" };
  if (found.some((c) => c.status === "failed")) return { id: wanted, result: "failed" };
  const unjudged = found.find((c) => c.status === "not-judged");
  if (unjudged)
    return { id: wanted, result: "missed", reason: `${unjudged.id}: ${unjudged.reason ?? "not judged"}` };
  return { id: wanted, result: "passed" };
};
