import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { DossierRecord } from "../../contract/records.js";

/** The record's one definition is the contract's; re-exported for the reconciler's own modules. */
export { DossierRecord };

/** Reads the dossier records the VUs logged to the run's console file (JSON log lines, records in `msg`). */
export const readDossierRecords = async (consoleLog: string): Promise<DossierRecord[]> => {
  if (!existsSync(consoleLog)) return [];
  const out: DossierRecord[] = [];
  const lines = createInterface({ input: createReadStream(consoleLog), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line.includes("dossier")) continue;
    try {
      const outer = JSON.parse(line) as { msg?: string };
      const parsed = DossierRecord.safeParse(JSON.parse(outer.msg ?? ""));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // not a record line
    }
  }
  return out;
};
