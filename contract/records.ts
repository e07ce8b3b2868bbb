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
  /**
   * Retries whose earlier attempt reached the portal (any HTTP answer, or a timeout after sending): only these
   * could make a second dossier if the portal ignored the idempotency key. Absent in records of older runs.
   */
  retriesAfterReach: z.number().int().optional(),
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

/**
 * A payment the portal confirmed to the citizen (confirm answered 202): the result arrives later by the payment
 * platform's callback, so reconciliation asks the portal (getPayment) until it is final.
 */
export const PaymentRecord = z.object({
  ph: z.literal("payment"),
  paymentId: z.string(),
  dossierCode: z.string(),
  amountVnd: z.number(),
  /** The last status the journey saw before it moved on (pending, processing, paid or failed). */
  status: z.string(),
  /** ms since epoch when the confirmation was answered. */
  at: z.number(),
  province: z.string(),
});
export type PaymentRecord = z.infer<typeof PaymentRecord>;
