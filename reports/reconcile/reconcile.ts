import { z } from "zod";
import { dossierCodePattern } from "../../contract/common.js";
import { type GuardedHttp, loopbackHttp } from "../../engine/net/guarded-fetch.js";
import { asDossier, type LookedUpDossier } from "./dossier-view.js";
import { exercised } from "./exercised.js";
import { Lookups, throttled } from "./lookup.js";
import { NationalSync } from "./national.js";
import { PaymentsReconciliation } from "./payments.js";
import type { DossierRecord } from "./records.js";
import { finalStatuses, firstIllegalStep, type HistoryEntry } from "./transitions.js";

/** What reconciliation found; saved as `reconciliation.json` so `report` can rebuild without the portal. */
export const DossierSummary = z.object({
  submitted: z.number().int(),
  acknowledged: z.number().int(),
  found: z.number().int(),
  lost: z.number().int(),
  /** Idempotency keys for which the portal holds more than one dossier. */
  duplicated: z.number().int(),
  /**
   * Codes acknowledged to more than one submission, or whose dossier carries another submission's idempotency
   * key; absent in reconciliations saved before this was checked.
   */
  codeShared: z.number().int().optional(),
  /**
   * Dossiers taken up, then stalled (non-final, no change) past the deadline; null when the run cannot tell
   * (nothing was processed at all).
   */
  stuck: z.number().int().nullable(),
  /** Why `stuck` is null, with the figures, when the deadline did not fit in the run. */
  stuckReason: z.string().optional(),
  /**
   * Acknowledged dossiers whose idempotency key was retried after an earlier attempt reached the portal (the
   * only ones that could be duplicated); absent or null when the records do not say.
   */
  keyRetriesReachedPortal: z.number().int().nullable().optional(),
  illegalTransitions: z.number().int().nullable(),
  examples: z.object({
    lost: z.array(z.string()),
    duplicated: z.array(z.string()),
    codeShared: z.array(z.string()).optional(),
    malformed: z.array(z.string()),
    stuck: z.array(z.string()).default([]),
    illegal: z.array(z.string()).default([]),
  }),
  lookupErrors: z.number().int(),
  notes: z.array(z.string()),
});
export type DossierSummary = z.infer<typeof DossierSummary>;

export const Reconciliation = z.object({
  schemaVersion: z.literal(1),
  /** Where lookups went (the portal's own lookup API). */
  portal: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  stuckAfterS: z.number(),
  summary: DossierSummary,
  /** National sync of the dossiers found (absent in reconciliations saved before it was checked). */
  national: NationalSync.optional(),
  /** The payments the load confirmed (absent in reconciliations saved before they were checked). */
  payments: PaymentsReconciliation.optional(),
  /** How the portal's Retry-After answers made the lookups wait. */
  lookups: z
    .object({ requests: z.number().int(), retryAfterAsked: z.number().int(), retryAfterWaitedMs: z.number() })
    .optional(),
});
export type Reconciliation = z.infer<typeof Reconciliation>;

export interface ReconcileOptions {
  /** Base URL of any portal that implements the contract's lookups. */
  baseUrl: string;
  concurrency?: number;
  maxPerS?: number;
  timeoutMs?: number;
  maxExamples?: number;
  /** A non-final dossier whose last status change is older than this is stuck. */
  stuckAfterS?: number;
  /** Hard ceiling on the whole reconciliation (lookups stop and count as errors past it). */
  budgetMs?: number;
  /** Lookups go through the run's guarded dialler (loopback only by default). */
  http?: GuardedHttp;
  now?: () => number;
}

const emptySummary = (submitted: number, acknowledged: number): DossierSummary => ({
  submitted,
  acknowledged,
  found: 0,
  lost: 0,
  duplicated: 0,
  codeShared: 0,
  stuck: 0,
  illegalTransitions: 0,
  examples: { lost: [], duplicated: [], codeShared: [], malformed: [], stuck: [], illegal: [] },
  lookupErrors: 0,
  notes: [],
});

/** How the dossiers found by code moved, for telling stuck ones from unprocessed ones at the end. */
interface Progress {
  /** Found with a status history at all. */
  withHistory: number;
  /** Taken up: their status moved past the first. */
  progressed: number;
  /** Still at their first status. */
  unprocessed: number;
  /** Taken up, then stalled past the deadline. */
  stuckCandidates: string[];
}

/**
 * The conclusions drawn once every lookup is done: never-acknowledged submissions, whether illegal moves and
 * stuck dossiers could be checked at all, the stuck ones, and lookups that failed.
 */
const conclude = (
  summary: DossierSummary,
  records: number,
  p: Progress,
  stuckAfterMs: number,
  example: (list: string[], text: string) => void,
): void => {
  const unacked = records - summary.acknowledged;
  if (unacked > 0)
    summary.notes.push(
      `${unacked} submissions were never acknowledged (every attempt failed); they are not counted as lost`,
    );
  if (p.withHistory === 0) {
    summary.illegalTransitions = null;
    summary.stuck = null;
    summary.notes.push(
      "the portal returned no status history, so transitions and progress cannot be checked",
    );
  } else if (p.progressed === 0) {
    // Nothing moved at all: a portal where no officer works cannot be told from one that is stuck.
    summary.stuck = null;
    summary.notes.push(
      `no dossier progressed past its first status during the run, so stuck dossiers cannot be told from unprocessed ones (deadline ${stuckAfterMs / 1000} s)`,
    );
  } else {
    summary.stuck = p.stuckCandidates.length;
    for (const s of p.stuckCandidates) example(summary.examples.stuck, s);
    if (p.unprocessed > 0)
      summary.notes.push(
        `${p.unprocessed} dossiers were still at their first status (not yet taken up); only dossiers taken up and then stalled for ${stuckAfterMs / 1000} s count as stuck`,
      );
  }
  if (summary.lookupErrors > 0)
    summary.notes.push(
      `${summary.lookupErrors} lookups failed after retries; those dossiers are neither found nor lost`,
    );
};

/** What one run of the dossier lookups hands on: the summary and each found dossier's latest status. */
export interface DossierReconciliation {
  summary: DossierSummary;
  /** Latest status by code, of every dossier found by code (what the national portal must come to show). */
  latest: Map<string, number>;
}

interface Tally {
  summary: DossierSummary;
  progress: Progress;
  latest: Map<string, number>;
  /** Codes whose dossier carries another submission's key: code → the keys that claimed it. */
  foreignKey: Map<string, Set<string>>;
  example: (list: string[], text: string) => void;
  now: () => number;
  stuckAfterMs: number;
}

/** A dossier found by code: its owner, its status history (illegal moves, progress, stuck). */
const foundByCode = (t: Tally, r: DossierRecord, code: string, d: LookedUpDossier | null): void => {
  t.summary.found++;
  if (d?.status !== undefined) t.latest.set(code, d.status);
  if (d?.idempotencyKey !== undefined && d.idempotencyKey !== r.key) {
    const keys = t.foreignKey.get(code) ?? new Set([d.idempotencyKey]);
    keys.add(r.key);
    t.foreignKey.set(code, keys);
  }
  if (!d?.history || d.history.length === 0) return;
  t.progress.withHistory++;
  const illegal = firstIllegalStep(d.history, d.status);
  if (illegal !== null) {
    t.summary.illegalTransitions = (t.summary.illegalTransitions ?? 0) + 1;
    t.example(t.summary.examples.illegal, `${code}: ${illegal}`);
  }
  const last = d.history[d.history.length - 1] as HistoryEntry;
  const first = d.history[0] as HistoryEntry;
  // Stuck means stalled mid-process: taken up, then no progress past the deadline. A dossier nobody
  // has touched yet is unprocessed (a short run cannot work through a day's intake), not stuck.
  if (d.history.some((h) => h.status !== first.status)) {
    t.progress.progressed++;
    if (!finalStatuses.has(last.status) && t.now() - Date.parse(last.at) > t.stuckAfterMs)
      t.progress.stuckCandidates.push(`${code} (status ${last.status} since ${last.at})`);
  } else t.progress.unprocessed++;
};

/** One acknowledged submission: by code (found or lost, whose it is), then by key (duplicates). */
const checkRecord = async (t: Tally, lookups: Lookups, base: string, r: DossierRecord): Promise<void> => {
  const code = r.code as string;
  const byCode = await lookups.get(`${base}/api/v1/dossiers/${encodeURIComponent(code)}`);
  if (byCode.kind === "ok") foundByCode(t, r, code, asDossier(byCode.body));
  else if (byCode.kind === "missing") {
    t.summary.lost++;
    t.example(t.summary.examples.lost, code);
  } else t.summary.lookupErrors++;
  const byKey = await lookups.get(`${base}/api/v1/dossiers?idempotencyKey=${encodeURIComponent(r.key)}`);
  if (byKey.kind === "ok") {
    const items = (byKey.body as { items?: Array<{ code: string }> }).items ?? [];
    if (items.length > 1) {
      t.summary.duplicated++;
      t.example(t.summary.examples.duplicated, items.map((i) => i.code).join(" + "));
    }
  } else if (byKey.kind === "error") t.summary.lookupErrors++;
};

/**
 * Codes that belong to more than one submission: acknowledged to two keys, or found carrying another
 * submission's key. Named by code, with the keys that claimed it.
 */
const sharedCodes = (
  acked: readonly DossierRecord[],
  foreignKey: Map<string, Set<string>>,
): Map<string, Set<string>> => {
  const owners = new Map<string, Set<string>>();
  for (const r of acked) {
    const code = r.code as string;
    const keys = owners.get(code) ?? new Set<string>();
    keys.add(r.key);
    owners.set(code, keys);
  }
  const shared = new Map<string, Set<string>>();
  for (const [code, keys] of owners) if (keys.size > 1) shared.set(code, keys);
  for (const [code, keys] of foreignKey) shared.set(code, new Set([...(shared.get(code) ?? []), ...keys]));
  return shared;
};

/**
 * Looks every acknowledged dossier up through the portal's own API: by code (found or lost, whose it is, its
 * status history checked for illegal moves and for progress) and by idempotency key (more than one dossier for
 * a key is a duplicate). Rate-limited and bounded in time; works against any portal implementing the contract.
 */
export const reconcileDossiers = async (
  records: readonly DossierRecord[],
  lookups: Lookups,
  options: Pick<
    ReconcileOptions,
    "baseUrl" | "concurrency" | "maxPerS" | "maxExamples" | "stuckAfterS" | "now"
  >,
): Promise<DossierReconciliation> => {
  const maxExamples = options.maxExamples ?? 10;
  const stuckAfterMs = (options.stuckAfterS ?? 60) * 1000;
  const acked = records.filter((r) => r.kind === "acknowledged" && r.code !== undefined);
  const summary = emptySummary(records.length, acked.length);
  const example = (list: string[], text: string) => {
    if (list.length < maxExamples) list.push(text);
  };
  for (const r of acked)
    if (!dossierCodePattern.test(r.code as string)) example(summary.examples.malformed, r.code as string);
  const t: Tally = {
    summary,
    progress: { withHistory: 0, progressed: 0, unprocessed: 0, stuckCandidates: [] },
    latest: new Map(),
    foreignKey: new Map(),
    example,
    now: options.now ?? Date.now,
    stuckAfterMs,
  };
  const base = options.baseUrl.replace(/\/$/, "");
  const lookedAt = t.now();
  await throttled(acked, options.concurrency ?? 16, options.maxPerS ?? 500, (r) =>
    checkRecord(t, lookups, base, r),
  );
  const shared = sharedCodes(acked, t.foreignKey);
  summary.codeShared = shared.size;
  const codeExamples: string[] = [];
  summary.examples.codeShared = codeExamples;
  for (const [code, keys] of shared) example(codeExamples, `${code} (keys ${[...keys].sort().join(" + ")})`);
  conclude(summary, records.length, t.progress, stuckAfterMs, example);
  exercised(summary, acked, lookedAt, stuckAfterMs);
  return { summary, latest: t.latest };
};

/** The dossier lookups alone, with their own HTTP client unless one is given. */
export const reconcile = async (
  records: readonly DossierRecord[],
  options: ReconcileOptions,
): Promise<DossierSummary> => {
  const http = options.http ?? loopbackHttp();
  const lookups = new Lookups(http, {
    timeoutMs: options.timeoutMs ?? 5000,
    deadline: Date.now() + (options.budgetMs ?? 300_000),
  });
  const { summary } = await reconcileDossiers(records, lookups, options);
  if (!options.http) await http.close();
  return summary;
};
