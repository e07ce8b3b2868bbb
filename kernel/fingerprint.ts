import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * What a run's figures depend on, recorded in `run.json` and the verdict so a result can be traced and
 * reproduced: tool versions, hashes of the config, profile, fault plan and scenario bundle, the seed, the
 * git revision and Node's version.
 */
export const Fingerprint = z.object({
  tools: z.record(z.string(), z.string()),
  configHash: z.string(),
  profileHash: z.string(),
  faultPlanHash: z.string(),
  scenarioBundleHash: z.string(),
  seed: z.number(),
  gitRevision: z.string().nullable(),
  node: z.string(),
});
export type Fingerprint = z.infer<typeof Fingerprint>;

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The checkout's git revision (`short`: abbreviated), or null outside a git checkout. */
export const gitRevision = (short = false): string | null => {
  try {
    return execFileSync("git", ["rev-parse", ...(short ? ["--short"] : []), "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
};

export interface FingerprintInputs {
  /** Versions of the tools that ran (the engine's, toxiproxy's). */
  tools: Record<string, string>;
  /** The resolved config, profile and fault plan, hashed as JSON. */
  config: unknown;
  profile: unknown;
  faultPlan: unknown;
  /** SHA-256 of the scenario bundle the engine ran. */
  scenarioBundleHash: string;
  seed: number;
}

export const buildFingerprint = (i: FingerprintInputs): Fingerprint => ({
  tools: i.tools,
  configHash: sha256(JSON.stringify(i.config)),
  profileHash: sha256(JSON.stringify(i.profile)),
  faultPlanHash: sha256(JSON.stringify(i.faultPlan)),
  scenarioBundleHash: i.scenarioBundleHash,
  seed: i.seed,
  gitRevision: gitRevision(),
  node: process.version,
});
