import { z } from "zod";

/** Version of the portal contract; bumped on any breaking change to the operations below. */
export const contractVersion = "1.0.0";

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
