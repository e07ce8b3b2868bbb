import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { HarnessError, isHarnessError } from "../../kernel/errors.js";
import { runFiles } from "../../kernel/run-files.js";
import { analyseRunDir } from "../run-dir/analyse.js";
import type { Verdict } from "../verdict/schema.js";

/** What the analysis reads from a run directory (everything else it writes). */
const analysisInputs = (runDir: string): string[] => {
  const f = runFiles(runDir);
  return [f.plan, f.meta, f.results, f.events, f.console, f.metrics, f.reconciliation];
};

/**
 * The verdict recomputed from a run directory's saved data by the same code as `portal-harness report`,
 * without writing into the run directory: the analysis runs on a temporary directory whose inputs link to
 * the run's files (copied where links cannot be made), and what it writes there is removed.
 */
export const recomputeVerdict = async (runDir: string): Promise<Verdict> => {
  const work = mkdtempSync(join(tmpdir(), "ph-certificate-"));
  try {
    for (const file of analysisInputs(runDir)) {
      if (!existsSync(file)) continue;
      const link = join(work, basename(file));
      try {
        symlinkSync(file, link);
      } catch {
        copyFileSync(file, link);
      }
    }
    return (await analyseRunDir(work, { lang: "en" })).verdict;
  } catch (e) {
    // Name the run directory, not the temporary one.
    if (isHarnessError(e))
      throw new HarnessError(
        e.exitCode,
        e.lines.map((l) => l.replaceAll(work, runDir)),
      );
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
