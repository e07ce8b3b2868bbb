import { type IntervalSpec, newTally, type Tally } from "../../analysis/windows.js";
import type { Criterion } from "../schema.js";
import { summarise } from "../tally-summary.js";
import { fromCatalogue, judgeUnless, type NotJudged } from "./judge.js";

/**
 * The steps a fault on each link slows or fails directly (the harness's own step tags); `*` is every step. A
 * step behind the faulted link is expected to suffer: shedding and isolation are judged on the others.
 */
export const stepsBehindLink: Readonly<Record<string, readonly string[]>> = {
  "citizen-gateway": ["*"],
  "officer-gateway": ["*"],
  // Signing in goes to identity; the citizen lookup and submissions have their bearer token checked there.
  "gateway-identity": ["sign-in", "lookup", "submit"],
  "gateway-population": ["lookup"],
  "gateway-dossier-primary": ["submit", "status", "officer", "payment", "sync"],
  "gateway-dossier-standby": ["submit", "status", "officer", "payment", "sync"],
  "primary-standby": ["submit", "status", "officer", "payment", "sync"],
  "gateway-payment": ["payment"],
  "payment-callback": ["payment"],
  "province-national": ["sync"],
  "gateway-documents": ["documents"],
  "gateway-reporting": ["report"],
  "gateway-meetings": ["meeting"],
};

export const isBehind = (link: string, step: string | undefined): boolean => {
  const steps = stepsBehindLink[link];
  return steps === undefined || steps.includes("*") || (step !== undefined && steps.includes(step));
};

/** A fault as applied (ms after t0). */
export interface AppliedFault {
  id: string;
  link: string;
  start: number;
  end: number;
}

const refusal = (status: string | undefined) => status === "503" || status === "429";

/**
 * The tallies the shedding criteria read: refusals (429/503) and 500s of the whole run, less those of steps
 * behind a link while it was faulted (their upstream failed, nothing was shed); per fault, its refusals and
 * the admitted (2xx) requests of steps not behind its link.
 */
export const sheddingIntervals = (faults: readonly AppliedFault[], recoverMs: number): IntervalSpec[] => {
  const direct = (step: string | undefined, t: number) =>
    faults.some((f) => t >= f.start && t < f.end + recoverMs && isBehind(f.link, step));
  const whole = { fromMs: Number.NEGATIVE_INFINITY, toMs: Number.POSITIVE_INFINITY };
  return [
    { id: "shedding:refused", ...whole, accept: (step, status, t) => refusal(status) && !direct(step, t) },
    { id: "shedding:500", ...whole, accept: (step, status, t) => status === "500" && !direct(step, t) },
    ...faults.flatMap((f): IntervalSpec[] => [
      {
        id: `shedding:refused:${f.id}`,
        fromMs: f.start,
        toMs: f.end,
        accept: (step, status) => refusal(status) && !isBehind(f.link, step),
      },
      {
        id: `shedding:admitted:${f.id}`,
        fromMs: f.start,
        toMs: f.end,
        accept: (step, status) => status?.startsWith("2") === true && !isBehind(f.link, step),
      },
    ]),
  ];
};

export interface SheddingInput {
  faults: readonly AppliedFault[];
  intervals: ReadonlyMap<string, Tally>;
  /** The gateway's queue depth over time from /metrics (empty without metrics). */
  queueSeries: ReadonlyArray<{ tMs: number; depth: number }>;
  /** Retries after refusals, and how many of those refusals carried Retry-After (the load's retry metric). */
  retry: { afterRefusal: number; withRetryAfter: number };
  refusalP95MaxMs: number;
  admittedP95MaxMs: number;
}

const notOverloaded: NotJudged = {
  because: "not-exercised",
  reason: "the portal was not overloaded: it refused nothing (429/503), answered no 500, and no queue formed",
};

/**
 * `shedding-refusal-fast`: p95 of refusals ≤ the limit; `shedding-retry-after`: the share of overload answers
 * that were 429/503 with Retry-After (the load's retried refusals, against those plus every 500);
 * `shedding-admitted-latency`: the worst p95 of admitted requests, during a fault in which the portal shed or
 * queued, of steps not behind the faulted link. Each judged only when the run overloaded the portal.
 */
export const sheddingCriteria = (i: SheddingInput): Criterion[] => {
  const refused = summarise(i.intervals.get("shedding:refused") ?? newTally());
  const errors500 = i.intervals.get("shedding:500")?.requests ?? 0;
  const overloaded = i.faults.filter(
    (f) =>
      (i.intervals.get(`shedding:refused:${f.id}`)?.requests ?? 0) > 0 ||
      i.queueSeries.some((q) => q.depth > 0 && q.tMs >= f.start && q.tMs < f.end),
  );
  const admitted = overloaded
    .map((f) => summarise(i.intervals.get(`shedding:admitted:${f.id}`) ?? newTally()))
    .filter((s) => s.requests > 0 && s.p95Ms !== null);
  const worst = admitted.reduce<number | null>((m, s) => Math.max(m ?? 0, s.p95Ms ?? 0), null);
  const answers = i.retry.afterRefusal + errors500;
  const anyOverload = refused.requests > 0 || errors500 > 0 || overloaded.length > 0;
  return [
    judgeUnless(
      {
        ...fromCatalogue("shedding-refusal-fast"),
        observed: refused.p95Ms,
        threshold: i.refusalP95MaxMs,
        note: `${refused.requests} refusals`,
      },
      refused.requests > 0
        ? null
        : anyOverload
          ? { ...notOverloaded, reason: "the portal refused nothing (429/503)" }
          : notOverloaded,
    ),
    judgeUnless(
      {
        ...fromCatalogue("shedding-retry-after"),
        observed: answers === 0 ? null : i.retry.withRetryAfter / answers,
        threshold: 1,
        comparison: ">=",
        note: `${i.retry.withRetryAfter} of ${i.retry.afterRefusal} retried refusals carried Retry-After; ${errors500} answers were 500`,
      },
      answers > 0
        ? null
        : anyOverload
          ? {
              because: "not-exercised",
              reason: "no refusal was retried and no 500 answered, so no header could be checked",
            }
          : notOverloaded,
    ),
    judgeUnless(
      {
        ...fromCatalogue("shedding-admitted-latency"),
        observed: worst,
        threshold: i.admittedP95MaxMs,
        note: overloaded.length > 0 ? `during ${overloaded.map((f) => f.id).join(", ")}` : undefined,
      },
      worst !== null
        ? null
        : overloaded.length > 0
          ? {
              because: "no-data",
              reason: "no request of a step not behind the faulted link was admitted during the overload",
            }
          : {
              because: "not-exercised",
              reason: "no fault overloaded the portal (no refusal and no queue during any fault)",
            },
    ),
  ];
};
