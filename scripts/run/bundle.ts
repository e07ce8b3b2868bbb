import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { projectRoot } from "../lib/paths.js";

/** Bundles the TypeScript k6 entry for k6: browser platform, ESM, `k6` and `k6/*` left to k6. */
export const bundleScenario = async (outfile: string): Promise<{ file: string; sha256: string }> => {
  await build({
    entryPoints: [join(projectRoot(), "scenarios", "main.ts")],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2020",
    external: ["k6", "k6/*"],
    outfile,
    logLevel: "silent",
    legalComments: "none",
  });
  return { file: outfile, sha256: createHash("sha256").update(readFileSync(outfile)).digest("hex") };
};
