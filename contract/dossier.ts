import { z } from "zod";
import { AgencyCode, CitizenId, DossierCode, OfficerId, ProcedureCode } from "./common.js";

/** TrangThaiHoSo 1–10 (DOMAIN.md). */
export const DossierStatus = z.number().int().min(1).max(10);
export type DossierStatus = z.infer<typeof DossierStatus>;

export const statusNames: Readonly<Record<number, string>> = {
  1: "Mới đăng ký",
  2: "Được tiếp nhận",
  3: "Không được tiếp nhận",
  4: "Đang xử lý",
  5: "Yêu cầu bổ sung",
  6: "Yêu cầu nghĩa vụ tài chính",
  7: "Công dân rút",
  8: "Dừng xử lý",
  9: "Đã xử lý xong",
  10: "Đã trả kết quả",
};

/**
 * The legal moves between statuses. 3, 7, 8 and 10 are final. A citizen may withdraw (7) until the dossier is
 * processed; 5 and 6 return to processing once documents or payment arrive. Anything else is refused with
 * ILLEGAL_TRANSITION, and a harness can check recorded histories against the same table.
 */
export const legalTransitions: Readonly<Record<number, readonly number[]>> = {
  1: [2, 3, 7],
  2: [4, 7],
  3: [],
  4: [5, 6, 8, 9, 7],
  5: [4, 7, 8],
  6: [4, 7, 8],
  7: [],
  8: [],
  9: [10],
  10: [],
};
export const isLegalTransition = (from: number, to: number): boolean =>
  legalTransitions[from]?.includes(to) ?? false;

export const Attachment = z.object({
  name: z.string().min(1).max(200),
  sizeBytes: z.number().int().min(0).max(50_000_000),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const Fee = z.object({
  code: z.string().min(1).max(40),
  amountVnd: z.number().int().min(0),
});

export const SubmitDossierRequest = z.object({
  procedureCode: ProcedureCode,
  agencyCode: AgencyCode,
  applicant: z.object({ citizenId: CitizenId, fullName: z.string().min(1).max(200) }),
  attachments: z.array(Attachment).max(20),
  fees: z.array(Fee).max(10),
});
export type SubmitDossierRequest = z.infer<typeof SubmitDossierRequest>;

export const StatusChange = z.object({
  status: DossierStatus,
  at: z.string(),
  by: z.string().optional(),
  note: z.string().optional(),
});

export const PaymentRecord = z.object({
  paymentId: z.string(),
  amountVnd: z.number().int().min(0),
  result: z.enum(["paid", "failed"]),
  at: z.string(),
});

export const Dossier = z.object({
  code: DossierCode,
  procedureCode: ProcedureCode,
  agencyCode: AgencyCode,
  idempotencyKey: z.string(),
  status: DossierStatus,
  receivedAt: z.string(),
  history: z.array(StatusChange),
  applicant: z.object({ citizenId: CitizenId, fullName: z.string() }).optional(),
  attachments: z.array(Attachment).optional(),
  fees: z.array(Fee).optional(),
  payments: z.array(PaymentRecord).optional(),
});
export type Dossier = z.infer<typeof Dossier>;

export const DossierList = z.object({ items: z.array(Dossier) });

/** Idempotency keys are client-chosen, opaque, bounded. */
export const IdempotencyKey = z.string().min(8).max(100);

export const DossierParams = z.object({ code: DossierCode });
export const DossierKeyQuery = z.object({ idempotencyKey: IdempotencyKey });
export const SubmitHeaders = z.object({ "idempotency-key": IdempotencyKey });

/** An officer's action: move the dossier to `toStatus`, if the graph allows it from where it is. */
export const TransitionRequest = z.object({
  toStatus: DossierStatus,
  officerId: OfficerId,
  note: z.string().max(500).optional(),
});
export type TransitionRequest = z.infer<typeof TransitionRequest>;

/** Internal (gateway → dossier service): a payment result arrived by callback. */
export const PaymentResultRequest = z.object({
  paymentId: z.string().min(1).max(100),
  amountVnd: z.number().int().min(0),
  result: z.enum(["paid", "failed"]),
});
