/**
 * Legal moves between dossier statuses (TrangThaiHoSo, DOMAIN.md). 1 newly registered, 2 accepted, 3 rejected at
 * intake, 4 in processing, 5 more documents requested, 6 payment required, 7 withdrawn, 8 stopped, 9 processed,
 * 10 result returned. 3, 7, 8 and 10 are final. The same table as the portal contract's `legalTransitions`;
 * kept here so the harness judges any portal by the published graph, not by what a mock happens to allow.
 */
export const legalNext: Readonly<Record<number, readonly number[]>> = {
  1: [2, 3, 7],
  2: [4, 7],
  3: [],
  4: [5, 6, 7, 8, 9],
  5: [4, 7, 8],
  6: [4, 7, 8],
  7: [],
  8: [],
  9: [10],
  10: [],
};

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
