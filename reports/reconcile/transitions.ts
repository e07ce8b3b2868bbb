import { legalTransitions } from "../../contract/dossier.js";

/**
 * Legal moves between dossier statuses (TrangThaiHoSo, DOMAIN.md): the graph published with the portal
 * contract, so the harness judges any conforming portal by the same table the contract documents.
 */
export const legalNext: Readonly<Record<number, readonly number[]>> = legalTransitions;

export const finalStatuses: ReadonlySet<number> = new Set([3, 7, 8, 10]);

/** Statuses a dossier may start its history with (intake, or accepted on the spot). */
export const initialStatuses: ReadonlySet<number> = new Set([1, 2]);

export interface HistoryEntry {
  status: number;
  at: string;
}

/**
 * The first illegal step in a dossier's history, described (`4 → 2`), or null when every step is legal.
 * A repeated status is not a step; a step back in time is illegal too.
 */
export const firstIllegalStep = (history: readonly HistoryEntry[], current?: number): string | null => {
  const first = history[0];
  if (!first) return "empty history";
  if (!initialStatuses.has(first.status)) return `starts at ${first.status}`;
  for (let i = 1; i < history.length; i++) {
    const prev = history[i - 1] as HistoryEntry;
    const cur = history[i] as HistoryEntry;
    if (Date.parse(cur.at) < Date.parse(prev.at)) return `${prev.status} → ${cur.status} back in time`;
    if (cur.status === prev.status) continue;
    if (!(legalNext[prev.status] ?? []).includes(cur.status)) return `${prev.status} → ${cur.status}`;
  }
  const last = history[history.length - 1] as HistoryEntry;
  if (current !== undefined && current !== last.status)
    return `status ${current} differs from its history's last ${last.status}`;
  return null;
};
