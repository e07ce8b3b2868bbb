import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inputError } from "../../kernel/errors.js";
import { parseJsonFile } from "../../kernel/validate.js";
import { checkRunDir } from "../run-dir/analyse.js";
import { RunMeta } from "../run-dir/meta.js";
import { type Verdict, Verdict as VerdictSchema } from "../verdict/schema.js";
import { certificateDigest } from "./canonical.js";
import { certificateCriteria, certificateOutcome } from "./criteria.js";
import { certifiedFiles, certifyFiles } from "./files.js";
import { renderCertificateHtml } from "./html.js";
import {
  type Battery,
  Battery as BatterySchema,
  type Certificate,
  type CertificateBody,
  certificateSchemaVersion,
  julyFirstPeakRequestsPerS,
} from "./schema.js";
import { readPrivateKey, signCertificate } from "./signing.js";

/** Where a run directory's certificate goes. */
export const certificatePaths = (runDir: string) => ({
  json: join(runDir, "certificate.json"),
  html: join(runDir, "certificate.html"),
});

/** The body of a certificate from a verdict and its run's run.json: no files, digest or signature yet. */
export const certificateBody = (
  verdict: Verdict,
  meta: RunMeta,
  battery: Battery,
  issuedAt: Date,
): Omit<CertificateBody, "files"> => ({
  schemaVersion: certificateSchemaVersion,
  battery,
  target: meta.target,
  runId: meta.runId,
  issuedAt: issuedAt.toISOString(),
  scale: {
    profile: meta.profile,
    faultPlan: meta.faultPlan,
    plannedPeakRequestsPerS: meta.plannedPeakRequestsPerS,
    referencePeakRequestsPerS: julyFirstPeakRequestsPerS,
    shareOfReferencePeak: meta.plannedPeakRequestsPerS / julyFirstPeakRequestsPerS,
    durationS: meta.durationS,
    achievedRequests: verdict.load.achievedRequests,
  },
  outcome: certificateOutcome(verdict.criteria, battery),
  verdictOutcome: verdict.outcome,
  criteria: certificateCriteria(verdict.criteria, battery),
  fingerprint: meta.fingerprint,
});

/**
 * A run directory's certificate against a battery, from its verdict.json and run.json, with the hash of every
 * file it vouches for (`certifyFiles`); unsigned (`writeCertificate` signs). The run must have been analysed.
 */
export const buildCertificate = async (
  runDir: string,
  battery: Battery,
  options: { now?: Date } = {},
): Promise<Certificate> => {
  const files = checkRunDir(runDir);
  const checked = BatterySchema.safeParse(battery);
  if (!checked.success) throw inputError(`battery: ${checked.error.issues[0]?.message ?? "invalid"}`);
  if (!existsSync(files.verdict))
    throw inputError(
      `${files.verdict}: missing (the run was not analysed)`,
      "hint: run `portal-harness report RUN_DIR` first",
    );
  const verdict = parseJsonFile(VerdictSchema, files.verdict);
  const meta = parseJsonFile(RunMeta, files.meta);
  if (verdict.runId !== meta.runId)
    throw inputError(
      `${files.verdict}: runId: ${verdict.runId} is not this run's (${meta.runId} in run.json)`,
      "hint: rebuild the verdict with `portal-harness report RUN_DIR`",
    );
  const body: CertificateBody = {
    ...certificateBody(verdict, meta, checked.data, options.now ?? new Date()),
    files: await certifiedFiles(runDir, certifyFiles(runDir)),
  };
  return { ...body, digest: certificateDigest(body) };
};

/**
 * Writes certificate.json and certificate.html into the run directory: the digest recomputed, and signed
 * (Ed25519) when `signKeyPem` names a PKCS#8 PEM private key file. A bad key file is an input error naming it,
 * raised before anything is written.
 */
export const writeCertificate = (
  runDir: string,
  cert: Certificate,
  options: { signKeyPem?: string } = {},
): { certificate: Certificate; json: string; html: string } => {
  const key = options.signKeyPem === undefined ? undefined : readPrivateKey(options.signKeyPem);
  const { signature: _, digest: __, ...body } = cert;
  const sealed: Certificate = { ...body, digest: certificateDigest(body) };
  const certificate: Certificate = key ? { ...sealed, signature: signCertificate(sealed, key) } : sealed;
  const out = certificatePaths(runDir);
  writeFileSync(out.json, `${JSON.stringify(certificate, null, 2)}\n`);
  writeFileSync(out.html, renderCertificateHtml(certificate));
  return { certificate, ...out };
};
