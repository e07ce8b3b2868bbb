import { z } from "zod";

/**
 * The records the load writes about what the portal told it, one JSON console line each (k6's API has no
 * files): the engine writes console lines to the run's console file as k6 JSON log lines (record in `msg`),
 * and the reconciler reads them back. The scenarios import these types with `import type` only (their bundle
 * holds no zod); the reconciler validates each line with the schemas.
 */
export const DossierRecord = z.object({
  ph: z.literal("dossier"),
  /** acknowledged: the portal answered with a dossier code; unacknowledged: every attempt failed. */
  kind: z.enum(["acknowledged", "unacknowledged"]),
  key: z.string(),
  code: z.string().optional(),
  status: z.number().optional(),
  /** ms since epoch when the acknowledgement arrived (or the last attempt failed). */
  at: z.number(),
  ackMs: z.number().optional(),
  attempts: z.number(),
  province: z.string(),
});
export type DossierRecord = z.infer<typeof DossierRecord>;

/**
 * A dossier a provincial system pushed to the national portal (not through the portal's intake, so the
 * portal's dossier lookup does not hold it; the national portal's TraCuuHoSo does).
 */
export const SyncRecord = z.object({
  ph: z.literal("sync"),
  /** pushed: DongBoHoSoMC answered "00"; failed: it never did. */
  kind: z.enum(["pushed", "failed"]),
  code: z.string(),
  messageId: z.string(),
  status: z.number(),
  /** Whether TraCuuHoSo returned it afterwards (null: not looked up). */
  confirmed: z.boolean().nullable(),
  lagMs: z.number().optional(),
  errorCode: z.string().optional(),
  at: z.number(),
  attempts: z.number(),
  province: z.string(),
});
export type SyncRecord = z.infer<typeof SyncRecord>;
