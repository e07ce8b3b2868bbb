import { z } from "zod";
import { AgencyCode, DossierCode, ProcedureCode, SpecReply, SyncTimestamp } from "./common.js";
import { Attachment, DossierStatus, Fee } from "./dossier.js";

/**
 * Provincial → national sync, after the DVCQG integration services. Every call carries a session from
 * `login`; replies carry `error_code` ("00" ok, "99" session expired or unknown, "02" unknown dossier,
 * "04" not found). Messages carry a MessageId so a redelivered message is absorbed, not applied twice.
 */
export const nationalErrorCodes = {
  ok: "00",
  unknownDossier: "02",
  notFound: "04",
  badSession: "99",
} as const;

export const LoginRequest = z.object({ username: z.string().min(1).max(100), password: z.string().min(1) });
export const LoginReply = SpecReply.extend({
  session: z.string().optional(),
  expiresInS: z.number().optional(),
});

export const MessageId = z.string().min(3).max(200);

export const NationalDossier = z.object({
  MaHoSo: DossierCode,
  MaTTHC: ProcedureCode,
  MaDinhDanh: AgencyCode,
  ChuHoSo: z.string(),
  NgayTiepNhan: SyncTimestamp,
  NgayHenTra: SyncTimestamp,
  TrangThaiHoSo: DossierStatus,
  TaiLieuNop: z.array(Attachment),
  DanhSachLePhi: z.array(Fee),
});
export type NationalDossier = z.infer<typeof NationalDossier>;

export const DongBoHoSoRequest = z.object({
  session: z.string().min(1).max(200),
  MessageId,
  HoSo: NationalDossier,
});
export const CapNhatTienDoRequest = z.object({
  session: z.string().min(1).max(200),
  MessageId,
  MaHoSo: DossierCode,
  TrangThaiHoSo: DossierStatus,
  ThoiGian: SyncTimestamp,
});
export const TraCuuHoSoQuery = z.object({ MaHoSo: DossierCode });
export const TraCuuHoSoReply = SpecReply.extend({
  data: z.object({ MaHoSo: DossierCode, TrangThaiHoSo: DossierStatus, CapNhatLuc: z.string() }).optional(),
});

/** The portal's view of its outbox to the national portal (gateway → current dossier primary). */
export const SyncStatus = z.object({
  pending: z.number().int().min(0),
  oldestPendingAgeMs: z.number().min(0),
  delivered: z.number().int().min(0),
  failedAttempts: z.number().int().min(0),
  lastDeliveredAt: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** Whether the national portal has a dossier, and in which status (TraCuuHoSo through the portal). */
export const NationalView = z.object({
  code: DossierCode,
  found: z.boolean(),
  status: DossierStatus.optional(),
});
