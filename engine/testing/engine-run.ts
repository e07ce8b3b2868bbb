import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineConfigInput, EngineResult, Progress } from "../config.js";
import { type EngineOutcome, launchEngine } from "../launch.js";

/**
 * Runs a script on the real engine (the built dist/engine.js, a child process with its worker threads) and
 * returns how it ended and where it wrote. For tests and benchmarks.
 */
export interface EngineRun {
  dir: string;
  outcome: EngineOutcome;
  result: EngineResult;
  files: { results: string; console: string; summary: string; bundle: string; log: string };
  progress: Progress[];
}

/** Every temporary folder a run made here, removed when the test process exits. */
const made: string[] = [];
let cleanupArmed = false;
const removeAtExit = (dir: string): void => {
  made.push(dir);
  if (cleanupArmed) return;
  cleanupArmed = true;
  process.once("exit", () => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
};

export const runScript = async (
  script: string,
  config: Omit<EngineConfigInput, "script"> = {},
  options: { name?: string; dir?: string; gzip?: boolean } = {},
): Promise<Omit<EngineRun, "result"> & { result: EngineResult | null }> => {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "engine-run-"));
  if (!options.dir) removeAtExit(dir);
  const file = join(dir, options.name ?? "script.js");
  writeFileSync(file, script);
  const files = {
    results: join(dir, options.gzip ? "results.json.gz" : "results.json"),
    console: join(dir, "console.ndjson"),
    summary: join(dir, "summary.json"),
    bundle: join(dir, "bundle.js"),
    log: join(dir, "engine.log"),
  };
  const progress: Progress[] = [];
  const engine = launchEngine({
    config: {
      progress: "ipc",
      printSummary: false,
      ...config,
      script: file,
      out: {
        results: files.results,
        console: files.console,
        summaryExport: files.summary,
        bundle: files.bundle,
        ...config.out,
      },
    },
    configFile: join(dir, "engine-config.json"),
    logFile: files.log,
    onProgress: (p) => progress.push(p),
  });
  if ((await engine.ready) !== null && config.start === "harness") engine.start(Date.now() + 50);
  const outcome = await engine.finished;
  return { dir, outcome, result: outcome.kind === "result" ? outcome.result : null, files, progress };
};
