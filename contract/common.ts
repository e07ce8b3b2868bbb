import { z } from "zod";

/**
 * Version of the portal contract. Major: a breaking change to an operation; minor: operations or optional
 * fields added. 1.1 added identity, population, officer actions, payment, national sync and the platform
 * services to the 1.0 catalogue-and-dossier core.
 */
export const contractVersion = "1.1.0";

export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe("Stable machine-readable error code, e.g. DOSSIER_NOT_FOUND"),
    message: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** MaDinhDanh: the receiving agency's identifier, e.g. `000.00.00.H12`. */
export const AgencyCode = z.string().regex(/^\d{3}\.\d{2}\.\d{2}\.H\d{2}$/, "agency code like 000.00.00.H12");

/** MaHoSo: `{MaDinhDanh}-{yyMMdd}-{NNNN}`. */
export const dossierCodePattern = /^(\d{3}\.\d{2}\.\d{2}\.H\d{2})-(\d{6})-(\d{4})$/;
export const DossierCode = z
  .string()
  .regex(dossierCodePattern, "dossier code like 000.00.00.H12-250701-0001");

/** MaTTHC, e.g. `1.001612`. */
export const ProcedureCode = z.string().regex(/^\d\.\d{6}$/, "procedure code like 1.001612");

/** Synthetic citizen ids use the reserved prefix 999, which no real SoDinhDanh carries. */
export const CitizenId = z.string().regex(/^\d{12}$/, "12-digit citizen id");
export const syntheticCitizenPrefix = "999";
export const isSyntheticCitizenId = (id: string): boolean =>
  /^\d{12}$/.test(id) && id.startsWith(syntheticCitizenPrefix);

/** Timestamps in sync payloads: `yyyyMMddHHmmss` on the portal's clock (Asia/Ho_Chi_Minh). */
export const SyncTimestamp = z.string().regex(/^\d{14}$/, "yyyyMMddHHmmss");

export const OfficerId = z.string().regex(/^CB-\d{1,6}$/, "officer id like CB-12");

/** Spec-style reply of the national and payment platforms: `error_code` "00" means success. */
export const SpecReply = z.object({ error_code: z.string().regex(/^\d{2}$/), message: z.string() });
