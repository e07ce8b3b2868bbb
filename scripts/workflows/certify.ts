import { existsSync } from "node:fs";
import { join } from "node:path";
import { inputError } from "../../kernel/errors.js";
import { ExitCode } from "../../kernel/exit-codes.js";
import { buildCertificate, writeCertificate } from "../../reports/certificate/build.js";
import { verifyCertificate } from "../../reports/certificate/verify.js";
import { loadBattery } from "../batteries/battery.js";
import { adapterBaseUrl } from "./adapter-base-url.js";
import { describeRun, runSummary, runWorkflow, type WorkflowFlags } from "./run-workflow.js";

export interface CertifyFlags extends WorkflowFlags {
  /** Ed25519 private key (PKCS#8 PEM) to sign the certificate with. */
  signKey?: string | undefined;
}

/**
 * `certify`: a vendor's deployment against the fixed, versioned certification battery. Every required
 * criterion must be judged and pass (a criterion not judged is a miss). Writes certificate.json and
 * certificate.html into the run directory, signed with `--sign-key`. Exit 0 certified, 1 not certified.
 */
export const certifyCommand = async (f: CertifyFlags, say: (line: string) => void): Promise<number> => {
  if (f.signKey !== undefined && !existsSync(f.signKey))
    throw inputError(`--sign-key: ${f.signKey}: no such file`, "hint: an Ed25519 private key in PKCS#8 PEM");
  const run = await runWorkflow({ workflow: "certify", defaultSeed: () => 20250701, adapterBaseUrl }, f, say);
  if ("interrupted" in run) return ExitCode.interrupted;
  const cert = await buildCertificate(run.runDir, {
    name: run.battery.name,
    version: run.battery.version,
    requiredCriteria: run.battery.required,
  });
  const written = writeCertificate(
    run.runDir,
    cert,
    f.signKey === undefined ? {} : { signKeyPem: f.signKey },
  );
  const certified = written.certificate.outcome === "certified";
  const code = certified ? ExitCode.passed : ExitCode.failed;
  if (f.json) {
    say(
      JSON.stringify({
        ...runSummary(run),
        outcome: written.certificate.outcome,
        certificate: written.json,
        html: written.html,
        signed: written.certificate.signature !== undefined,
        exitCode: code,
      }),
    );
    return code;
  }
  for (const line of describeRun(run)) say(line);
  say(`certificate: ${written.certificate.outcome.toUpperCase()} (exit ${code})`);
  say(`  ${written.json}${written.certificate.signature ? " (signed, Ed25519)" : " (unsigned)"}`);
  say(`  ${written.html}`);
  say(`  check it: portal-harness certify --verify ${written.json} ${run.runDir}`);
  return code;
};

/**
 * `certify --verify CERT RUN_DIR [--public-key FILE]`: every hash, the verdict recomputed from the run's data,
 * the certificate's own digest and, with a key, its signature. Exit 0 verified, 1 with each problem named.
 */
export const verifyCommand = async (
  positionals: readonly string[],
  o: { publicKey?: string | undefined; battery?: string | undefined; json: boolean },
  say: (line: string) => void,
): Promise<number> => {
  const [cert, runDir, ...extra] = positionals;
  if (cert === undefined || runDir === undefined || extra.length > 0)
    throw inputError(
      "certify --verify: expects CERT RUN_DIR",
      "hint: portal-harness certify --verify out/RUN/certificate.json out/RUN [--public-key key.pub.pem]",
    );
  if (!existsSync(cert))
    throw inputError(`certify --verify: ${cert}: no such file`, "hint: the certificate.json to check");
  if (!existsSync(join(runDir, "run.json")))
    throw inputError(
      `certify --verify: ${runDir}: not a run directory (no run.json)`,
      "hint: the run the certificate is for",
    );
  const battery = o.battery === undefined ? undefined : loadBattery(o.battery, "certify").battery;
  const result = await verifyCertificate(cert, runDir, {
    ...(o.publicKey === undefined ? {} : { publicKeyPem: o.publicKey }),
    ...(battery === undefined
      ? {}
      : { battery: { name: battery.name, version: battery.version, requiredCriteria: battery.required } }),
  });
  if (o.json) say(JSON.stringify(result));
  else if (result.ok) say(`verified: ${cert} matches ${runDir}${o.publicKey ? ", signature good" : ""}`);
  else for (const p of result.problems) say(`NOT VERIFIED: ${p}`);
  return result.ok ? ExitCode.passed : ExitCode.failed;
};
