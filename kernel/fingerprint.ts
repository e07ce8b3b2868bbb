import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { projectRoot } from "./paths.js";

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
  /** The harness's own version (package.json). */
  harnessVersion: z.string().optional(),
  /**
   * SHA-256 of every input file the run read (config, battery, profile, fault plan, SLO, adapter), keyed by
   * its path relative to the project root (or as given, outside it). Secret files are never among them.
   */
  inputFiles: z.record(z.string(), z.string()).optional(),
});
export type Fingerprint = z.infer<typeof Fingerprint>;

export const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

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
  /** Input files to hash (never a secret file). */
  inputFiles?: readonly string[];
}

/** The harness's version from its package.json, or "unknown". */
export const harnessVersion = (): string => {
  try {
    const pkg = JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
};

/** SHA-256 of each file, keyed by its path relative to the project root when inside it. */
export const hashInputFiles = (files: readonly string[]): Record<string, string> => {
  const root = projectRoot();
  const out: Record<string, string> = {};
  for (const f of files) {
    const rel = relative(root, f);
    out[rel.startsWith("..") ? f : rel] = sha256(readFileSync(f));
  }
  return out;
};

export const buildFingerprint = (i: FingerprintInputs): Fingerprint => ({
  tools: i.tools,
  configHash: sha256(JSON.stringify(i.config)),
  profileHash: sha256(JSON.stringify(i.profile)),
  faultPlanHash: sha256(JSON.stringify(i.faultPlan)),
  scenarioBundleHash: i.scenarioBundleHash,
  seed: i.seed,
  gitRevision: gitRevision(),
  node: process.version,
  harnessVersion: harnessVersion(),
  ...(i.inputFiles === undefined ? {} : { inputFiles: hashInputFiles(i.inputFiles) }),
});
