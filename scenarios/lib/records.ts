/**
 * VUs cannot write files (k6's API has none), so every dossier the load is told about is written as one
 * structured console line; the engine writes console lines to the run's `console.ndjson` (k6 does the same
 * with `--console-output`) and the harness reads them back for reconciliation.
 */
export interface DossierRecord {
  ph: "dossier";
  /** acknowledged: the portal answered with a dossier code; unacknowledged: every attempt failed. */
  kind: "acknowledged" | "unacknowledged";
  key: string;
  code?: string;
  status?: number;
  /** ms since epoch when the acknowledgement arrived (or the last attempt failed). */
  at: number;
  ackMs?: number;
  attempts: number;
  province: string;
}

/**
 * A dossier a provincial system pushed to the national portal (not through the portal's intake, so the
 * portal's dossier lookup does not hold it; the national portal's TraCuuHoSo does).
 */
export interface SyncRecord {
  ph: "sync";
  /** pushed: DongBoHoSoMC answered "00"; failed: it never did. */
  kind: "pushed" | "failed";
  code: string;
  messageId: string;
  status: number;
  /** Whether TraCuuHoSo returned it afterwards (null: not looked up). */
  confirmed: boolean | null;
  lagMs?: number;
  errorCode?: string;
  at: number;
  attempts: number;
  province: string;
}

export const recordDossier = (record: DossierRecord): void => {
  console.log(JSON.stringify(record));
};

export const recordSync = (record: SyncRecord): void => {
  console.log(JSON.stringify(record));
};
