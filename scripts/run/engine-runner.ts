import { mkdirSync } from "node:fs";
import { measureEpochOffset, monoNow } from "../../engine/clock/clock.js";
import { type Progress, progressLine } from "../../engine/config.js";
import { type EngineReady, type LaunchedEngine, launchEngine } from "../../engine/launch.js";
import { HarnessError } from "../../kernel/errors.js";
import { ExitCode } from "../../kernel/exit-codes.js";
import type { TrackedProcess } from "../../kernel/processes.js";
import { runFiles } from "../../kernel/run-files.js";
import type { K6Plan } from "../../scenarios/lib/plan.js";

/**
 * Starts the engine for a run: the bundled scenarios with the compiled plan in `PH_PLAN`, results, console
 * records and the summary into the run directory, waiting for the harness's t0. `release()` picks t0 a little
 * ahead, hands it to the engine on the machine's monotonic clock, and returns it for the fault timeline.
 */
export interface StartedEngine {
  engine: LaunchedEngine;
  ready: EngineReady;
  /** Releases the schedule; returns t0 as performance.now() (for the fault timeline) and as epoch ms. */
  release(): { t0Perf: number; t0EpochMs: number };
}

export interface EngineRunOptions {
  runDir: string;
  plan: K6Plan;
  workers: number;
  allowHosts: string[];
  /** The run's VU and byte limits (`safety`), passed on as the engine's caps. */
  caps?: { maxVUs: number; maxBytes: number };
  onSpawn: (r: TrackedProcess) => void;
  onProgress?: (p: Progress) => void;
}

/** How far ahead of "now" t0 is set, so every worker is waiting for it when it comes. */
const leadMs = 200;

export const startEngine = async (o: EngineRunOptions): Promise<StartedEngine> => {
  const files = runFiles(o.runDir);
  mkdirSync(files.logs, { recursive: true });
  const engine = launchEngine({
    config: {
      script: files.script,
      env: { PH_PLAN: JSON.stringify(o.plan) },
      workers: o.workers,
      allowHosts: o.allowHosts,
      ...(o.caps ? { caps: o.caps } : {}),
      out: { results: files.results, console: files.console, summaryExport: files.summary },
      start: "harness",
      progress: "ipc",
      printSummary: false,
    },
    configFile: files.engineConfig,
    logFile: files.logOf("engine"),
    onSpawn: o.onSpawn,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const ready = await engine.ready;
  if (ready === null) {
    const outcome = await engine.finished;
    if (outcome.kind === "failed")
      throw new HarnessError(
        outcome.exitCode === ExitCode.badInput ? ExitCode.badInput : ExitCode.environment,
        ["the load engine refused to start:", ...outcome.lines],
      );
    throw new HarnessError(ExitCode.environment, [
      `the load engine exited before it was ready (exit ${outcome.kind === "crashed" ? outcome.exitCode : "?"}); see ${files.logOf("engine")}`,
    ]);
  }
  return {
    engine,
    ready,
    release: () => {
      const t0Mono = monoNow() + leadMs;
      const t0EpochMs = t0Mono + measureEpochOffset();
      engine.start(t0EpochMs, t0Mono);
      return { t0Perf: t0Mono - (monoNow() - performance.now()), t0EpochMs };
    },
  };
};

/** A progress line for the terminal (or every few seconds into a log). */
export const renderProgress = progressLine;
