import { z } from "zod";
import { dossierCodePattern } from "../../contract/common.js";
import { type GuardedHttp, loopbackHttp } from "../../engine/net/guarded-fetch.js";
import { sleep } from "../../kernel/sleep.js";
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
   * Dossiers taken up, then stalled (non-final, no change) past the deadline; null when the run cannot tell
   * (nothing was processed at all).
   */
  stuck: z.number().int().nullable(),
  illegalTransitions: z.number().int().nullable(),
  examples: z.object({
    lost: z.array(z.string()),
    duplicated: z.array(z.string()),
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

type Lookup = { kind: "ok"; body: unknown } | { kind: "missing" } | { kind: "error"; detail: string };

const lookup = async (
  http: GuardedHttp,
  url: string,
  timeoutMs: number,
  deadline: number,
): Promise<Lookup> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (Date.now() > deadline) return { kind: "error", detail: "reconciliation time budget spent" };
    try {
      const res = await http.get(url, timeoutMs);
      if (res.status === 200) return { kind: "ok", body: await res.json() };
      await res.discard();
      if (res.status === 404) return { kind: "missing" };
      if (attempt === 2) return { kind: "error", detail: `HTTP ${res.status}` };
    } catch (e) {
      if (attempt === 2) return { kind: "error", detail: (e as Error).message };
    }
    await sleep(200 * 2 ** attempt);
  }
  return { kind: "error", detail: "unreachable" };
};

/** Runs `task` over items with bounded concurrency and a request-rate ceiling. */
const throttled = async <T>(
  items: readonly T[],
  concurrency: number,
  maxPerS: number,
  task: (item: T) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      const item = items[i];
      if (item === undefined) return;
      const due = started + (i * 1000) / maxPerS;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
};

interface LookedUpDossier {
  code: string;
  status?: number;
  history?: HistoryEntry[];
}

const asDossier = (body: unknown): LookedUpDossier | null => {
  if (typeof body !== "object" || body === null) return null;
  const b = body as { code?: unknown; status?: unknown; history?: unknown };
  if (typeof b.code !== "string") return null;
  const history = Array.isArray(b.history)
    ? (b.history as unknown[]).flatMap((h) => {
        const e = h as { status?: unknown; at?: unknown };
        return typeof e?.status === "number" && typeof e.at === "string"
          ? [{ status: e.status, at: e.at }]
          : [];
      })
    : undefined;
  return {
    code: b.code,
    ...(typeof b.status === "number" ? { status: b.status } : {}),
    ...(history ? { history } : {}),
  };
};

const emptySummary = (submitted: number, acknowledged: number): DossierSummary => ({
  submitted,
  acknowledged,
  found: 0,
  lost: 0,
  duplicated: 0,
  stuck: 0,
  illegalTransitions: 0,
  examples: { lost: [], duplicated: [], malformed: [], stuck: [], illegal: [] },
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

/**
 * Looks every acknowledged dossier up through the portal's own API: by code (found or lost, its status
 * history checked for illegal moves and for progress) and by idempotency key (more than one dossier for a
 * key is a duplicate). Rate-limited and bounded in time; works against any portal implementing the contract.
 */
export const reconcile = async (
  records: readonly DossierRecord[],
  options: ReconcileOptions,
): Promise<DossierSummary> => {
  const maxExamples = options.maxExamples ?? 10;
  const timeoutMs = options.timeoutMs ?? 5000;
  const stuckAfterMs = (options.stuckAfterS ?? 60) * 1000;
  const now = options.now ?? Date.now;
  const deadline = Date.now() + (options.budgetMs ?? 300_000);
  const acked = records.filter((r) => r.kind === "acknowledged" && r.code !== undefined);
  const summary = emptySummary(records.length, acked.length);
  const example = (list: string[], text: string) => {
    if (list.length < maxExamples) list.push(text);
  };
  const codeOwners = new Map<string, Set<string>>();
  for (const r of acked) {
    const code = r.code as string;
    if (!dossierCodePattern.test(code)) example(summary.examples.malformed, code);
    const keys = codeOwners.get(code) ?? new Set<string>();
    keys.add(r.key);
    codeOwners.set(code, keys);
  }
  for (const [code, keys] of codeOwners) {
    if (keys.size > 1)
      summary.notes.push(`code ${code} was acknowledged for ${keys.size} different submissions`);
  }
  const progress: Progress = { withHistory: 0, progressed: 0, unprocessed: 0, stuckCandidates: [] };
  const base = options.baseUrl.replace(/\/$/, "");
  const http = options.http ?? loopbackHttp();
  await throttled(acked, options.concurrency ?? 16, options.maxPerS ?? 500, async (r) => {
    const code = r.code as string;
    const byCode = await lookup(
      http,
      `${base}/api/v1/dossiers/${encodeURIComponent(code)}`,
      timeoutMs,
      deadline,
    );
    if (byCode.kind === "ok") {
      summary.found++;
      const d = asDossier(byCode.body);
      if (d?.history && d.history.length > 0) {
        progress.withHistory++;
        const illegal = firstIllegalStep(d.history, d.status);
        if (illegal !== null) {
          summary.illegalTransitions = (summary.illegalTransitions ?? 0) + 1;
          example(summary.examples.illegal, `${code}: ${illegal}`);
        }
        const last = d.history[d.history.length - 1] as HistoryEntry;
        const first = d.history[0] as HistoryEntry;
        // Stuck means stalled mid-process: taken up, then no progress past the deadline. A dossier nobody
        // has touched yet is unprocessed (a short run cannot work through a day's intake), not stuck.
        if (d.history.some((h) => h.status !== first.status)) {
          progress.progressed++;
          if (!finalStatuses.has(last.status) && now() - Date.parse(last.at) > stuckAfterMs)
            progress.stuckCandidates.push(`${code} (status ${last.status} since ${last.at})`);
        } else progress.unprocessed++;
      }
    } else if (byCode.kind === "missing") {
      summary.lost++;
      example(summary.examples.lost, code);
    } else summary.lookupErrors++;
    const byKey = await lookup(
      http,
      `${base}/api/v1/dossiers?idempotencyKey=${encodeURIComponent(r.key)}`,
      timeoutMs,
      deadline,
    );
    if (byKey.kind === "ok") {
      const items = (byKey.body as { items?: Array<{ code: string }> }).items ?? [];
      if (items.length > 1) {
        summary.duplicated++;
        example(summary.examples.duplicated, items.map((i) => i.code).join(" + "));
      }
    } else if (byKey.kind === "error") summary.lookupErrors++;
  });
  conclude(summary, records.length, progress, stuckAfterMs, example);
  if (!options.http) await http.close();
  return summary;
};
