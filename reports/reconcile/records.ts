import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import type { z } from "zod";
import { DossierRecord, PaymentRecord } from "../../contract/records.js";

/** The records' one definition is the contract's; re-exported for the reconciler's own modules. */
export { DossierRecord, PaymentRecord };

/** Reads the records of one kind the VUs logged to the run's console file (JSON log lines, records in `msg`). */
const readRecords = async <T>(consoleLog: string, schema: z.ZodType<T>, marker: string): Promise<T[]> => {
  if (!existsSync(consoleLog)) return [];
  const out: T[] = [];
  const lines = createInterface({ input: createReadStream(consoleLog), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line.includes(marker)) continue;
    try {
      const outer = JSON.parse(line) as { msg?: string };
      const parsed = schema.safeParse(JSON.parse(outer.msg ?? ""));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // not a record line
    }
  }
  return out;
};

/** The dossier records: one per citizen submission. */
export const readDossierRecords = (consoleLog: string): Promise<DossierRecord[]> =>
  readRecords(consoleLog, DossierRecord, "dossier");

/** The payment records: one per payment the portal confirmed. */
export const readPaymentRecords = (consoleLog: string): Promise<PaymentRecord[]> =>
  readRecords(consoleLog, PaymentRecord, "payment");
