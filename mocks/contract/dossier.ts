import { z } from "zod";
import { AgencyCode, CitizenId, DossierCode, ProcedureCode } from "./common.js";

/** TrangThaiHoSo 1–10 (DOMAIN.md). */
export const DossierStatus = z.number().int().min(1).max(10);

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

export const StatusChange = z.object({ status: DossierStatus, at: z.string() });

export const Dossier = z.object({
  code: DossierCode,
  procedureCode: ProcedureCode,
  agencyCode: AgencyCode,
  idempotencyKey: z.string(),
  status: DossierStatus,
  receivedAt: z.string(),
  history: z.array(StatusChange),
});
export type Dossier = z.infer<typeof Dossier>;

export const DossierList = z.object({ items: z.array(Dossier) });

/** Idempotency keys are client-chosen, opaque, bounded. */
export const IdempotencyKey = z.string().min(8).max(100);
