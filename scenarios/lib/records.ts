import type { DossierRecord, PaymentRecord, SyncRecord } from "../../contract/records.js";

/**
 * VUs cannot write files (k6's API has none), so every dossier the load is told about is written as one
 * structured console line; the engine writes console lines to the run's console file (k6 does the same with
 * `--console-output`) and the harness reads them back for reconciliation. The records' shapes are the
 * contract's (`contract/records.ts`), imported as types only so the bundle holds no zod.
 */
export const recordDossier = (record: DossierRecord): void => {
  console.log(JSON.stringify(record));
};

export const recordSync = (record: SyncRecord): void => {
  console.log(JSON.stringify(record));
};

export const recordPayment = (record: PaymentRecord): void => {
  console.log(JSON.stringify(record));
};
