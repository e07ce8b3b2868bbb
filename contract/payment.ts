import { createHash } from "node:crypto";
import { z } from "zod";
import { DossierCode, SpecReply } from "./common.js";

/**
 * MaXacThuc: SHA-256 (hex) over the request's fields joined with `|`, followed by `|` and the secret the
 * portal and the payment platform share. The field order is fixed per message.
 */
export const maXacThuc = (fields: ReadonlyArray<string | number>, secret: string): string =>
  createHash("sha256")
    .update([...fields.map(String), secret].join("|"))
    .digest("hex");

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** Payment platform INIT (portal → platform). MaXacThuc over MaThamChieu|SoTien|NoiDung. */
export const PaymentInitRequest = z.object({
  MaThamChieu: z.string().min(1).max(100),
  SoTien: z.number().int().positive().max(1_000_000_000),
  NoiDung: z.string().min(1).max(200),
  MaXacThuc: Sha256Hex,
});
export const PaymentInitReply = SpecReply.extend({
  MaGiaoDich: z.string(),
  UrlThanhToan: z.string(),
});

/** Result callback (platform → portal). MaXacThuc over MaGiaoDich|MaThamChieu|SoTien|KetQua. */
export const PaymentCallback = z.object({
  MaGiaoDich: z.string().min(1).max(100),
  MaThamChieu: z.string().min(1).max(100),
  SoTien: z.number().int().positive(),
  /** "00" paid; anything else failed. */
  KetQua: z.string().regex(/^\d{2}$/),
  MaXacThuc: Sha256Hex,
});
export type PaymentCallback = z.infer<typeof PaymentCallback>;

/** The portal's own payment API (citizen → gateway). */
export const CreatePaymentRequest = z.object({
  dossierCode: DossierCode,
  amountVnd: z.number().int().positive().max(1_000_000_000),
});
export const PaymentStatus = z.enum(["pending", "processing", "paid", "failed"]);
export const Payment = z.object({
  paymentId: z.string(),
  dossierCode: DossierCode,
  amountVnd: z.number().int(),
  /** The portal's view: `paid` only once the platform's callback has arrived. */
  status: PaymentStatus,
  payUrl: z.string(),
  createdAt: z.string(),
  callbackAt: z.string().optional(),
});
export type Payment = z.infer<typeof Payment>;
export const PaymentParams = z.object({ paymentId: z.string().regex(/^GD-[0-9A-Za-z-]{1,60}$/) });
export const ConfirmPaymentRequest = z.object({ outcome: z.enum(["success", "failure"]).default("success") });
export const ConfirmPaymentReply = z.object({ paymentId: z.string(), status: PaymentStatus });
