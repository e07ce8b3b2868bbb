import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleScript } from "../../engine/bundle/bundle.js";
import { projectRoot } from "../../kernel/paths.js";

/**
 * Bundles the scenarios' entry into the run directory: one ES module that imports only k6 modules, so it is
 * both what the engine runs and a script a user with their own k6 could run. Its hash goes in the fingerprint.
 */
export const bundleScenario = async (outfile: string): Promise<{ file: string; sha256: string }> => {
  const bundle = await bundleScript(join(projectRoot(), "scenarios", "main.ts"));
  writeFileSync(outfile, bundle.esm);
  return { file: outfile, sha256: bundle.sha256 };
};
