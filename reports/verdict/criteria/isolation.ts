import { type IntervalSpec, newTally, type Tally } from "../../analysis/windows.js";
import type { Criterion } from "../schema.js";
import { summarise } from "../tally-summary.js";
import { fromCatalogue, judgeUnless, type NotJudged } from "./judge.js";
import { type AppliedFault, isBehind } from "./shedding.js";

const identityLink = "gateway-identity";

/** Identity-free: a step that is not behind the identity link (not signing in, nor checking a token). */
const identityFree = (step: string | undefined) => !isBehind(identityLink, step);

/**
 * The tallies `identity-isolation` reads: identity-free requests in the baseline and during each fault on the
 * identity link.
 */
export const isolationIntervals = (
  faults: readonly AppliedFault[],
  baseline: { fromMs: number; toMs: number },
): IntervalSpec[] => {
  const onIdentity = faults.filter((f) => f.link === identityLink);
  if (onIdentity.length === 0) return [];
  return [
    { id: "isolation:baseline", ...baseline, accept: identityFree },
    ...onIdentity.map((f) => ({
      id: `isolation:${f.id}`,
      fromMs: f.start,
      toMs: f.end,
      accept: identityFree,
    })),
  ];
};

export interface IsolationInput {
  faults: readonly AppliedFault[];
  intervals: ReadonlyMap<string, Tally>;
  /** The run's tolerance: p95 may grow to max(factor × baseline, baseline + slack). */
  p95Factor: number;
  p95SlackMs: number;
  /** ... and the error rate by this many percentage points over its baseline. */
  errorRateTolerancePp: number;
}

/** Why isolation cannot be judged (no identity fault, or no identity-free request in one of the periods). */
const notJudgedBecause = (faulted: number, base: number, during: number): NotJudged | null =>
  faulted === 0
    ? { because: "not-exercised", reason: "no fault in the plan slows or cuts the identity link" }
    : base === 0
      ? { because: "no-data", reason: "no identity-free request in the baseline" }
      : during === 0
        ? { because: "no-data", reason: "no identity-free request answered while identity was faulted" }
        : null;

/**
 * Isolation of identity: during a fault on the identity link, steps that do not need identity keep their own
 * baseline, within the run's tolerance (the worst such fault counts). `identity-isolation` judges their p95;
 * `identity-isolation-errors` their error rate, because a gateway whose shared admission slots fill up with
 * identity calls refuses those steps quickly rather than slowing them. Judged only when the plan faulted
 * identity and both periods saw identity-free requests.
 */
export const identityIsolationCriteria = (i: IsolationInput): Criterion[] => {
  const onIdentity = i.faults.filter((f) => f.link === identityLink);
  const base = summarise(i.intervals.get("isolation:baseline") ?? newTally());
  const during = onIdentity
    .map((f) => i.intervals.get(`isolation:${f.id}`))
    .filter((t): t is Tally => t !== undefined && t.requests > 0)
    .map(summarise);
  const worstP95 = Math.max(-1, ...during.flatMap((d) => (d.p95Ms === null ? [] : [d.p95Ms])));
  const worstErrorRate = Math.max(-1, ...during.map((d) => d.errors / d.requests));
  const p95Limit =
    base.p95Ms === null ? 0 : Math.round(Math.max(base.p95Ms * i.p95Factor, base.p95Ms + i.p95SlackMs));
  const baseErrorRate = base.requests > 0 ? base.errors / base.requests : 0;
  const errorLimit = Math.min(1, Math.round((baseErrorRate + i.errorRateTolerancePp / 100) * 1e4) / 1e4);
  const why = notJudgedBecause(onIdentity.length, base.requests, during.length);
  return [
    judgeUnless(
      {
        ...fromCatalogue("identity-isolation"),
        observed: worstP95 < 0 ? null : worstP95,
        threshold: p95Limit,
        note: base.p95Ms === null ? undefined : `identity-free steps' baseline p95 ${base.p95Ms} ms`,
      },
      why ?? (worstP95 < 0 ? { because: "no-data", reason: "no identity-free request answered" } : null),
    ),
    judgeUnless(
      {
        ...fromCatalogue("identity-isolation-errors"),
        observed: worstErrorRate < 0 ? null : Math.round(worstErrorRate * 1e4) / 1e4,
        threshold: errorLimit,
        note: `identity-free steps' baseline error rate ${Math.round(baseErrorRate * 1e4) / 1e4}`,
      },
      why,
    ),
  ];
};
