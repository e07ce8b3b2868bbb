import { dossierCodePattern } from "../../mocks/contract/common.js";
import type { DossierRecord } from "./records.js";

export interface DossierSummary {
  submitted: number;
  acknowledged: number;
  found: number;
  lost: number;
  duplicated: number;
  stuck: number | null;
  illegalTransitions: number | null;
  examples: { lost: string[]; duplicated: string[]; malformed: string[] };
  lookupErrors: number;
  notes: string[];
}

export interface ReconcileOptions {
  /** Base URL of any portal that implements the contract's lookups. */
  baseUrl: string;
  concurrency?: number;
  maxPerS?: number;
  timeoutMs?: number;
  maxExamples?: number;
}

type Lookup = { kind: "ok"; body: unknown } | { kind: "missing" } | { kind: "error"; detail: string };

const lookup = async (url: string, timeoutMs: number): Promise<Lookup> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (res.status === 200) return { kind: "ok", body: (await res.json()) as unknown };
      await res.body?.cancel();
      if (res.status === 404) return { kind: "missing" };
      if (attempt === 2) return { kind: "error", detail: `HTTP ${res.status}` };
    } catch (e) {
      if (attempt === 2) return { kind: "error", detail: (e as Error).message };
    }
    await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
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
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
};

/**
 * Looks every acknowledged dossier up through the portal's own API: by code (found or lost) and by
 * idempotency key (more than one dossier for a key is a duplicate).
 */
export const reconcile = async (
  records: readonly DossierRecord[],
  options: ReconcileOptions,
): Promise<DossierSummary> => {
  const maxExamples = options.maxExamples ?? 10;
  const timeoutMs = options.timeoutMs ?? 5000;
  const acked = records.filter((r) => r.kind === "acknowledged" && r.code !== undefined);
  const summary: DossierSummary = {
    submitted: records.length,
    acknowledged: acked.length,
    found: 0,
    lost: 0,
    duplicated: 0,
    stuck: null,
    illegalTransitions: null,
    examples: { lost: [], duplicated: [], malformed: [] },
    lookupErrors: 0,
    notes: [],
  };
  const example = (list: string[], code: string) => {
    if (list.length < maxExamples) list.push(code);
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
  const base = options.baseUrl.replace(/\/$/, "");
  await throttled(acked, options.concurrency ?? 16, options.maxPerS ?? 500, async (r) => {
    const code = r.code as string;
    const byCode = await lookup(`${base}/api/v1/dossiers/${encodeURIComponent(code)}`, timeoutMs);
    if (byCode.kind === "ok") summary.found++;
    else if (byCode.kind === "missing") {
      summary.lost++;
      example(summary.examples.lost, code);
    } else summary.lookupErrors++;
    const byKey = await lookup(
      `${base}/api/v1/dossiers?idempotencyKey=${encodeURIComponent(r.key)}`,
      timeoutMs,
    );
    if (byKey.kind === "ok") {
      const items = (byKey.body as { items?: Array<{ code: string }> }).items ?? [];
      if (items.length > 1) {
        summary.duplicated++;
        example(summary.examples.duplicated, items.map((i) => i.code).join(" + "));
      }
    } else if (byKey.kind === "error") summary.lookupErrors++;
  });
  const unacked = records.length - acked.length;
  if (unacked > 0)
    summary.notes.push(
      `${unacked} submissions were never acknowledged (every attempt failed); they are not counted as lost`,
    );
  summary.notes.push(
    "stuck dossiers and illegal status transitions are not checked yet (no officer journey runs)",
  );
  return summary;
};
