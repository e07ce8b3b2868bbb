import type { EngineStatus } from "../../engine/config.js";
import { type CriterionFamily, catalogueEntry } from "./catalogue.js";
import { fromCatalogue, judgeUnless } from "./criteria/judge.js";
import type { Criterion, Verdict } from "./schema.js";

/** Statuses in which the engine ran its plan to the end, or was stopped by the plan's own safety limits. */
const plannedEnds: readonly EngineStatus[] = [
  "completed",
  "thresholds-failed",
  "aborted-by-threshold",
  "aborted-by-cap",
];

/** Start lag p99 beyond which the generator is taken not to have kept up, when the run config sets none. */
export const defaultMaxStartLagP99Ms = 1000;

export interface HeldPlan {
  plannedIterations: number;
  droppedIterations: number;
  maxDroppedIterationsShare: number;
  totalRequests: number;
  engineStatus: EngineStatus;
  /** Whether the run had a steady-state baseline to judge its faults against, and how many faults it had. */
  hasBaseline: boolean;
  faults: number;
  generatorCpu: { value: number | null };
  /** How late the engine started scheduled iterations (p99), and the most it may be; null without data. */
  startLagP99Ms?: number | null;
  maxStartLagP99Ms?: number | undefined;
  /** Peaks of the engine's busy and allocated VUs where iterations dropped; null when none was sampled. */
  vusBusyPeak?: number | null;
  vusMaxPeak?: number | null;
  /**
   * Iterations dropped while a fault the run injected on a link the load enters by (or its recovery) was on:
   * the harness held those VUs, not the target.
   */
  droppedInEntryFaults?: number;
}

/** The links the load enters the portal by: a fault on them holds the load's own requests. */
export const entryLinks: ReadonlySet<string> = new Set(["citizen-gateway", "officer-gateway"]);

/**
 * Iterations dropped in load windows that overlap a range (ms after t0): those the faults on entry links (and
 * their recovery) may have caused.
 */
export const droppedWithin = (
  windows: ReadonlyArray<{ startMs: number; dropped: number }>,
  windowMs: number,
  ranges: ReadonlyArray<{ fromMs: number; toMs: number }>,
): number =>
  windows
    .filter((w) => ranges.some((r) => w.startMs < r.toMs && w.startMs + windowMs > r.fromMs))
    .reduce((n, w) => n + w.dropped, 0);

/** Why a run cannot be judged: the generator did not keep up, the engine failed, or data is missing. */
export type InconclusiveKind = "generator" | "dropped" | "engine" | "no-requests" | "no-baseline";

export interface InconclusiveReason {
  kind: InconclusiveKind;
  text: string;
}

const droppedShare = (h: HeldPlan): number =>
  h.plannedIterations > 0 ? h.droppedIterations / h.plannedIterations : 0;

/** Whether the generator itself could not keep up: its CPU saturated, or it started iterations late. */
const generatorReasons = (h: HeldPlan): InconclusiveReason[] => {
  const out: InconclusiveReason[] = [];
  if (h.generatorCpu.value !== null && h.generatorCpu.value >= 0.95)
    out.push({
      kind: "generator",
      text: `the load generator's CPU was saturated (${Math.round(h.generatorCpu.value * 100)} % of all cores on average over the load)`,
    });
  const lag = h.startLagP99Ms ?? null;
  const maxLag = h.maxStartLagP99Ms ?? defaultMaxStartLagP99Ms;
  if (lag !== null && lag > maxLag)
    out.push({
      kind: "generator",
      text: `the load generator started iterations late (start lag p99 ${Math.round(lag)} ms, limit ${maxLag} ms)`,
    });
  return out;
};

/** Every VU the engine had was busy: arrivals dropped because the target held them, not the generator. */
export const vusExhausted = (h: Pick<HeldPlan, "vusBusyPeak" | "vusMaxPeak">): boolean =>
  h.vusBusyPeak !== null &&
  h.vusBusyPeak !== undefined &&
  h.vusMaxPeak !== null &&
  h.vusMaxPeak !== undefined &&
  h.vusMaxPeak > 0 &&
  h.vusBusyPeak >= h.vusMaxPeak;

/**
 * Peaks of busy and allocated VUs over the windows that dropped iterations outside the ranges (faults on the
 * load's own links): whether every VU was busy when the target is blamed. Null when no such window sampled them.
 */
export const dropWindowVus = (
  windows: ReadonlyArray<{ startMs: number; dropped: number; vusBusy: number | null; vusMax: number | null }>,
  windowMs: number,
  ranges: ReadonlyArray<{ fromMs: number; toMs: number }>,
): { vusBusyPeak: number | null; vusMaxPeak: number | null } => {
  let busy: number | null = null;
  let max: number | null = null;
  for (const w of windows) {
    if (w.dropped === 0 || ranges.some((r) => w.startMs < r.toMs && w.startMs + windowMs > r.fromMs))
      continue;
    if (w.vusBusy !== null) busy = Math.max(busy ?? 0, w.vusBusy);
    if (w.vusMax !== null) max = Math.max(max ?? 0, w.vusMax);
  }
  return { vusBusyPeak: busy, vusMaxPeak: max };
};

/** When faults on the load's own links (applied start to applied end and the recovery time) held its VUs. */
export const entryFaultRanges = (
  faults: ReadonlyArray<{
    link: string;
    appliedStartMs: number | null;
    appliedEndMs: number | null;
    plannedEndMs: number;
  }>,
  c: { recoverWithinS: number },
): Array<{ fromMs: number; toMs: number }> =>
  faults.flatMap((f) =>
    entryLinks.has(f.link) && f.appliedStartMs !== null
      ? [{ fromMs: f.appliedStartMs, toMs: (f.appliedEndMs ?? f.plannedEndMs) + c.recoverWithinS * 1000 }]
      : [],
  );

/** Dropped iterations the target may be blamed for: all but those during faults on the load's own links. */
const targetDropped = (h: HeldPlan): number =>
  Math.max(0, h.droppedIterations - (h.droppedInEntryFaults ?? 0));

/**
 * Dropped beyond the allowed share outside faults on the load's own links, with a generator that kept up and
 * every VU busy: the target's doing.
 */
export const droppedByTarget = (h: HeldPlan): boolean =>
  droppedShare({ ...h, droppedIterations: targetDropped(h) }) > h.maxDroppedIterationsShare &&
  generatorReasons(h).length === 0 &&
  vusExhausted(h);

/**
 * Why the run cannot be judged either way (empty when it can), each with its kind: the load generator could
 * not keep up (CPU saturated, iterations started late), iterations dropped while VUs were free (the plan was not
 * held for a reason the run cannot pin on the target), the engine did not end as planned, no request was made,
 * or there was no baseline before the first fault. Iterations dropped while every VU waited on the target are
 * not a reason: `load-held` fails on them.
 */
export const inconclusiveCauses = (h: HeldPlan): InconclusiveReason[] => {
  const reasons: InconclusiveReason[] = [];
  const share = droppedShare(h);
  const inFaults = h.droppedInEntryFaults ?? 0;
  const during =
    inFaults > 0 ? `, ${inFaults} of them while a fault on a link the load enters by held its VUs` : "";
  if (share > h.maxDroppedIterationsShare && !droppedByTarget(h))
    reasons.push({
      kind: "dropped",
      text: `the load generator dropped ${h.droppedIterations} of ${Math.round(h.plannedIterations)} planned iterations (${(share * 100).toFixed(2)} %)${during}: the plan was not held`,
    });
  if (h.totalRequests === 0) reasons.push({ kind: "no-requests", text: "no request was made" });
  if (!plannedEnds.includes(h.engineStatus))
    reasons.push({ kind: "engine", text: `the load engine ended ${h.engineStatus}, not as planned` });
  if (!h.hasBaseline && h.faults > 0)
    reasons.push({ kind: "no-baseline", text: "no steady-state baseline before the first fault" });
  reasons.push(...generatorReasons(h));
  return reasons;
};

/** The reasons' sentences, as the verdict lists them. */
export const inconclusiveReasons = (h: HeldPlan): string[] => inconclusiveCauses(h).map((r) => r.text);

/**
 * `load-held`: the target kept up with the offered load. Fails when iterations dropped beyond the allowed share
 * while the generator kept up and every VU was busy waiting on the target; not judged when they dropped for a
 * reason the run cannot pin on the target (then the run is inconclusive).
 */
export const loadHeldCriteria = (h: HeldPlan): Criterion[] => {
  const beyond = droppedShare(h) > h.maxDroppedIterationsShare;
  const observed = targetDropped(h);
  // Whole iterations: `dropped > share × planned` is `dropped > floor(share × planned)`.
  const allowed =
    h.plannedIterations > 0 ? Math.floor(h.maxDroppedIterationsShare * h.plannedIterations) : observed;
  const because =
    generatorReasons(h).length > 0
      ? "the load generator could not keep up"
      : droppedShare({ ...h, droppedIterations: observed }) <= h.maxDroppedIterationsShare
        ? "a fault the run injected on a link the load enters by held the VUs"
        : "some VUs were free";
  return [
    judgeUnless(
      { ...fromCatalogue("load-held"), observed, threshold: allowed },
      beyond && !droppedByTarget(h)
        ? {
            because: "no-data",
            reason: `iterations were dropped while ${because}, so the target's part in it cannot be told`,
          }
        : null,
    ),
  ];
};

/**
 * Which criteria stay trustworthy despite each kind of inconclusive reason: reconciliation's (dossiers, sync,
 * payments) and the target's own metrics despite anything; latency and error criteria from requests that were
 * made despite dropped iterations, a missing baseline or an engine that ended early, but not when the generator
 * itself was saturated (its own delays would be in the latencies).
 */
const trustedDespite: Record<CriterionFamily, readonly InconclusiveKind[]> = {
  dossiers: ["generator", "dropped", "engine", "no-requests", "no-baseline"],
  sync: ["generator", "dropped", "engine", "no-requests", "no-baseline"],
  payments: ["generator", "dropped", "engine", "no-requests", "no-baseline"],
  queue: ["generator", "dropped", "engine", "no-baseline"],
  safety: ["dropped", "no-baseline"],
  "steady-state": ["dropped", "engine", "no-baseline"],
  slo: ["dropped", "engine", "no-baseline"],
  resilience: ["dropped", "engine"],
  "error-budget": ["dropped", "engine", "no-baseline"],
  shedding: ["dropped", "engine", "no-baseline"],
  identity: ["dropped", "engine", "no-baseline"],
  failover: [],
  load: [],
};

/** Whether a failed criterion stands despite every reason the run is otherwise inconclusive. */
export const failureStands = (c: Criterion, reasons: readonly InconclusiveReason[]): boolean => {
  const family = catalogueEntry(c.id)?.family;
  if (c.status !== "failed" || family === undefined) return false;
  if (c.id === "fault-start-skew") return false; // the chaos timeline's failure, not the target's
  return reasons.every((r) => trustedDespite[family].includes(r.kind));
};

/**
 * Failed when a criterion failed on data the reasons for inconclusiveness did not affect (failed beats
 * inconclusive when the target is the cause); otherwise inconclusive when there is a reason; otherwise failed
 * when any criterion failed. Not-judged criteria count for neither.
 */
export const outcomeOf = (
  criteria: readonly Criterion[],
  reasons: readonly InconclusiveReason[],
): Verdict["outcome"] => {
  if (reasons.length === 0) return criteria.some((x) => x.status === "failed") ? "failed" : "passed";
  return criteria.some((x) => failureStands(x, reasons)) ? "failed" : "inconclusive";
};
