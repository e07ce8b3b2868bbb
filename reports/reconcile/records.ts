import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { z } from "zod";

export const DossierRecord = z.object({
  ph: z.literal("dossier"),
  kind: z.enum(["acknowledged", "unacknowledged"]),
  key: z.string(),
  code: z.string().optional(),
  status: z.number().optional(),
  at: z.number(),
  ackMs: z.number().optional(),
  attempts: z.number(),
  province: z.string(),
});
export type DossierRecord = z.infer<typeof DossierRecord>;

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
