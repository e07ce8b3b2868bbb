import { z } from "zod";
import { Fingerprint } from "../../kernel/fingerprint.js";
import { CriterionStatus } from "../verdict/schema.js";

export const certificateSchemaVersion = 1;

/**
 * Requests per second of the 1 July 2025 observed national peak at full scale: about 50,000 users, one
 * request every 10 s each. A certificate states its run's planned peak as a share of it.
 */
export const julyFirstPeakRequestsPerS = 5000;

/**
 * A fixed, versioned battery: what a certificate is issued against. `requiredCriteria` are criterion ids or a
 * generated family's pattern (`recover-<fault>`, `slo-<step>-<stat>`), read through `requiredCriterion`.
 */
export const Battery = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  requiredCriteria: z.array(z.string().min(1)),
});
export type Battery = z.infer<typeof Battery>;

/** How large the certified run was: its planned peak against the July-1 peak, and how long it ran. */
export const CertificateScale = z.object({
  profile: z.string(),
  faultPlan: z.string(),
  plannedPeakRequestsPerS: z.number(),
  referencePeakRequestsPerS: z.number(),
  /** plannedPeakRequestsPerS / referencePeakRequestsPerS (0.02 = 2 % of the July-1 peak). */
  shareOfReferencePeak: z.number(),
  durationS: z.number(),
  achievedRequests: z.number().int(),
});
export type CertificateScale = z.infer<typeof CertificateScale>;

export const CertificateCriterion = z.object({
  id: z.string(),
  title: z.string(),
  status: CriterionStatus,
  /** Whether the battery requires it: a required criterion that is not `passed` refuses the certificate. */
  required: z.boolean(),
  value: z.number().optional(),
  limit: z.number().optional(),
  unit: z.string().optional(),
  comparison: z.enum(["<=", ">="]).optional(),
  /** Not judged: why; a required criterion the verdict does not hold: that it is missing. */
  reason: z.string().optional(),
});
export type CertificateCriterion = z.infer<typeof CertificateCriterion>;

/** One file of the run directory the certificate vouches for, by its path relative to the run directory. */
export const CertifiedFile = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
});
export type CertifiedFile = z.infer<typeof CertifiedFile>;

export const CertificateSignature = z.object({
  algorithm: z.literal("Ed25519"),
  /** SHA-256 (hex) of the signing key's public key in SPKI DER form. */
  publicKeyFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  /** Base64 Ed25519 signature over the canonical JSON of the certificate without `signature`. */
  value: z.string().min(1),
});
export type CertificateSignature = z.infer<typeof CertificateSignature>;

export const Certificate = z.object({
  schemaVersion: z.literal(certificateSchemaVersion),
  battery: Battery,
  target: z.string(),
  runId: z.string(),
  issuedAt: z.string(),
  scale: CertificateScale,
  /** `certified` iff every required criterion is `passed` (not judged or missing is a miss). */
  outcome: z.enum(["certified", "not-certified"]),
  /** The verdict's own outcome, for the reader: a run can be certified on its required criteria alone. */
  verdictOutcome: z.enum(["passed", "failed", "inconclusive"]),
  criteria: z.array(CertificateCriterion),
  fingerprint: Fingerprint,
  files: z.array(CertifiedFile),
  /** SHA-256 (hex) of the canonical JSON of the certificate without `digest` and `signature`. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  signature: CertificateSignature.optional(),
});
export type Certificate = z.infer<typeof Certificate>;

/** A certificate before it is sealed: no digest, no signature. */
export type CertificateBody = Omit<Certificate, "digest" | "signature">;
