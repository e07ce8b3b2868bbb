import { z } from "zod";
import { DossierCode, OfficerId } from "./common.js";

/** Document management: an officer drafts a document for a dossier, forwards it, the holder signs it. */
export const DocumentState = z.enum(["draft", "forwarded", "signed"]);
export const CreateDocumentRequest = z.object({
  dossierCode: DossierCode,
  title: z.string().min(1).max(300),
  officerId: OfficerId,
});
export const ForwardDocumentRequest = z.object({ fromOfficerId: OfficerId, toOfficerId: OfficerId });
export const SignDocumentRequest = z.object({ officerId: OfficerId });
export const DocumentRecord = z.object({
  id: z.string(),
  dossierCode: DossierCode,
  title: z.string(),
  state: DocumentState,
  holder: OfficerId,
  history: z.array(z.object({ action: z.string(), by: OfficerId, at: z.string() })),
});
export type DocumentRecord = z.infer<typeof DocumentRecord>;
export const DocumentParams = z.object({ id: z.string().regex(/^VB-\d{1,9}$/) });

/** Reporting: aggregate counts over the (synthetic) dossier history; every query scans. */
export const ReportQuery = z.object({
  groupBy: z.enum(["status", "province", "month"]),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
export const Report = z.object({
  groupBy: z.string(),
  rows: z.array(z.object({ key: z.string(), count: z.number().int() })),
  scanned: z.number().int(),
});

/** Online meetings: a session holds at most `capacity` participants. */
export const MeetingParams = z.object({ id: z.string().regex(/^HOP-\d{3}$/) });
export const MeetingMemberRequest = z.object({ participantId: z.string().regex(/^(CB|CD)-\d{1,12}$/) });
export const Meeting = z.object({
  id: z.string(),
  title: z.string(),
  capacity: z.number().int().positive(),
  participants: z.number().int().min(0),
});
