import { round } from "../round.js";
import type { Criterion, Verdict } from "../schema.js";
import { fromCatalogue, judgeUnless } from "./judge.js";

export type ErrorBudget = NonNullable<Verdict["errorBudget"]>;

/** Errors the run may make in all: the SLO error rate (`steadyErrorRateMax`) × its requests. */
export const allowedErrors = (sloErrorRate: number, requests: number): number => sloErrorRate * requests;

/** The whole run's error budget and the share of it burned (null without requests). */
export const errorBudget = (sloErrorRate: number, requests: number, errors: number): ErrorBudget => {
  const allowed = allowedErrors(sloErrorRate, requests);
  return {
    sloErrorRate,
    allowedErrors: round(allowed, 1) ?? 0,
    errors,
    burned: round(allowed > 0 ? errors / allowed : null, 3),
  };
};

/** `error-budget`: judged only when the run config sets `maxErrorBudgetBurned`; otherwise reported only. */
export const errorBudgetCriteria = (
  budget: Pick<ErrorBudget, "burned">,
  maxBurned: number | undefined,
): Criterion[] =>
  maxBurned === undefined
    ? []
    : [
        judgeUnless(
          { ...fromCatalogue("error-budget"), observed: budget.burned, threshold: maxBurned },
          budget.burned === null ? { because: "no-data", reason: "no requests" } : null,
        ),
      ];
