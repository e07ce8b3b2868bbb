import type { KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { isHarnessError } from "../../kernel/errors.js";
import { formatIssues } from "../../kernel/validate.js";
import type { Verdict } from "../verdict/schema.js";
import { canonicalJson, certificateDigest } from "./canonical.js";
import { certificateCriteria, certificateOutcome } from "./criteria.js";
import { fileProblems } from "./files.js";
import { recomputeVerdict } from "./recompute.js";
import { type Battery, Certificate } from "./schema.js";
import { readPublicKey, signatureProblems } from "./signing.js";

export interface VerifyResult {
  ok: boolean;
  /** One sentence per problem, each naming the file, criterion or field at fault. */
  problems: string[];
}

type Read = { raw: Record<string, unknown>; cert: Certificate } | { problems: string[] };

const readCertificate = (certPath: string): Read => {
  if (!existsSync(certPath)) return { problems: [`${certPath}: missing`] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(certPath, "utf8"));
  } catch (e) {
    return { problems: [`${certPath}: not valid JSON (${(e as Error).message})`] };
  }
  const parsed = Certificate.safeParse(raw);
  if (!parsed.success) return { problems: formatIssues(certPath, parsed.error) };
  return { raw: raw as Record<string, unknown>, cert: parsed.data };
};

/** The certificate's own integrity: its digest over the raw JSON, and with a key its signature. */
const sealProblems = (
  certPath: string,
  raw: Record<string, unknown>,
  key: KeyObject | undefined,
): string[] => [
  ...(raw.digest === certificateDigest(raw)
    ? []
    : [`${certPath}: digest does not match its content (changed after it was issued)`]),
  ...(key ? signatureProblems(raw, key, certPath) : []),
];

/** What the run's data say against what the certificate says: run, fingerprint, each criterion, the outcome. */
export const verdictProblems = (cert: Certificate, verdict: Verdict): string[] => {
  const problems: string[] = [];
  if (verdict.runId !== cert.runId)
    problems.push(`runId: the certificate says ${cert.runId}, the run directory holds ${verdict.runId}`);
  const { dataHashes: _, ...fingerprint } = verdict.fingerprint;
  if (canonicalJson(fingerprint) !== canonicalJson(cert.fingerprint))
    problems.push("fingerprint: differs from the one in run.json");
  const expected = new Map(certificateCriteria(verdict.criteria, cert.battery).map((c) => [c.id, c]));
  for (const c of cert.criteria) {
    const now = expected.get(c.id);
    if (!now)
      problems.push(`criterion ${c.id}: in the certificate, not in the verdict recomputed from the run`);
    else if (now.status !== c.status || now.required !== c.required)
      problems.push(
        `criterion ${c.id}: the certificate says ${c.status}${c.required ? " (required)" : ""}, the run's data give ${now.status}${now.required ? " (required)" : ""}`,
      );
    expected.delete(c.id);
  }
  for (const id of expected.keys())
    problems.push(`criterion ${id}: in the verdict recomputed from the run, not in the certificate`);
  const outcome = certificateOutcome(verdict.criteria, cert.battery);
  if (outcome !== cert.outcome)
    problems.push(`outcome: the certificate says ${cert.outcome}, the run's data give ${outcome}`);
  if (verdict.outcome !== cert.verdictOutcome)
    problems.push(
      `verdictOutcome: the certificate says ${cert.verdictOutcome}, the run's data give ${verdict.outcome}`,
    );
  return problems;
};

const recomputed = async (runDir: string): Promise<Verdict | string> => {
  try {
    return await recomputeVerdict(runDir);
  } catch (e) {
    const why = isHarnessError(e) ? e.lines.join("; ") : (e as Error).message;
    return `the verdict could not be recomputed from the run's data: ${why}`;
  }
};

/** With an expected battery: the certificate must have been issued against exactly it. */
const batteryProblems = (certPath: string, cert: Certificate, battery: Battery | undefined): string[] =>
  battery === undefined || canonicalJson(battery) === canonicalJson(cert.battery)
    ? []
    : [
        `${certPath}: battery: issued against ${cert.battery.name} version ${cert.battery.version}, not ${battery.name} version ${battery.version} as expected`,
      ];

/**
 * Verifies a certificate against its run directory: its digest (and, given `publicKeyPem`, an SPKI PEM public
 * key file, its Ed25519 signature: another key, or no signature, fails), every listed file's hash, and the
 * verdict recomputed in memory from the run's data against each criterion's status and the outcome.
 * Given `battery`, the certificate must have been issued against exactly it. A bad key file is an input error
 * naming it; everything else is a problem in the result.
 */
export const verifyCertificate = async (
  certPath: string,
  runDir: string,
  options: { publicKeyPem?: string; battery?: Battery } = {},
): Promise<VerifyResult> => {
  const key = options.publicKeyPem === undefined ? undefined : readPublicKey(options.publicKeyPem);
  const read = readCertificate(certPath);
  if ("problems" in read) return { ok: false, problems: read.problems };
  const { raw, cert } = read;
  const problems = [
    ...sealProblems(certPath, raw, key),
    ...batteryProblems(certPath, cert, options.battery),
    ...(await fileProblems(runDir, cert.files)),
  ];
  const verdict = await recomputed(runDir);
  problems.push(...(typeof verdict === "string" ? [verdict] : verdictProblems(cert, verdict)));
  return { ok: problems.length === 0, problems };
};
