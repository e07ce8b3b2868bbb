import { spawnSync } from "node:child_process";
import { openSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnTracked, type TrackedProcess } from "../kernel/processes.js";
import type { EngineConfigInput, EngineResult, FromEngine, Progress, ToEngine } from "./config.js";

/**
 * Starting the engine as a child process and talking to it: the caller (the harness's run, `exec`, tests,
 * benchmarks) writes the config, learns when the engine is ready, releases the schedule at t0 (epoch ms, the
 * same t0 the fault timeline starts from), reads progress and the result.
 */
export type EngineOutcome =
  | { kind: "result"; result: EngineResult }
  | { kind: "failed"; exitCode: number; lines: string[] }
  | { kind: "crashed"; exitCode: number | null };

export interface EngineReady {
  plannedDurationMs: number;
  maxDurationMs: number;
  bundleSha256: string;
}

export interface LaunchOptions {
  config: EngineConfigInput;
  /** Where the config is written (kept: it is part of what makes a run reproducible). */
  configFile: string;
  /** The engine's own output; inherited when absent. */
  logFile?: string;
  onSpawn?: (r: TrackedProcess) => void;
  onProgress?: (p: Progress) => void;
  /** Extra node flags for the engine process. */
  nodeArgs?: string[];
  /** A command the engine runs under (e.g. `taskset -c 1` in a benchmark); the IPC channel passes through it. */
  wrapper?: string[];
}

export interface LaunchedEngine {
  record: TrackedProcess;
  pid: number;
  /** Resolves when the engine waits for t0; resolves null when it ended first (see `finished`). */
  ready: Promise<EngineReady | null>;
  /** Releases the schedule at t0: epoch ms, and the monotonic ms the fault timeline uses (exact). */
  start(t0EpochMs: number, t0MonoMs?: number): void;
  stop(): void;
  finished: Promise<EngineOutcome>;
}

/** The built engine entry (dist/engine.js), next to the built CLI. */
export const engineEntry = (): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith("dist") ? join(here, "engine.js") : join(here, "..", "dist", "engine.js");
};

/**
 * V8 starts a major collection once a heap's old generation has used 60 % of its limit, instead of its default
 * rule, which starts one whenever the room left is less than its young generation could promote. The
 * coordinator's heap is small and its young generation large, so by that rule it marked its whole heap about
 * once a second with the old generation half empty. Measured with --trace-gc on the journey-rate rung of
 * 2,413 planned requests/s (15 s): the coordinator's major collections 18 → 10, their pauses 445 → 161 ms, the
 * engine's CPU per request 0.153 → 0.144 ms. The cost is at the far end of engine-throughput (one GET per
 * iteration), where the worker's collections start later: at 12,000-14,000 requests/s the p99 start lag is
 * 13-17 ms instead of 4-6, so 10,000-12,000 is held there instead of 14,000. Triggers of 80 % and 90 % (at
 * once) saved more on the journeys (0.140-0.143 ms) but broke that benchmark's lag at 10,000 requests/s.
 */
const gcTriggerFlags = ["--incremental-marking-soft-trigger=60"];

let checkedFlags: string[] | null = null;

/** The flags above when this Node's V8 knows them (checked once: a Node that does not would refuse to start). */
export const engineV8Flags = (): string[] => {
  checkedFlags ??=
    spawnSync(process.execPath, [...gcTriggerFlags, "-e", ""], { stdio: "ignore", timeout: 10_000 })
      .status === 0
      ? gcTriggerFlags
      : [];
  return checkedFlags;
};

export const launchEngine = (o: LaunchOptions): LaunchedEngine => {
  writeFileSync(o.configFile, `${JSON.stringify(o.config, null, 2)}\n`);
  const out = o.logFile ? openSync(o.logFile, "a") : "inherit";
  const spawned = spawnTracked(
    "engine",
    process.execPath,
    [...engineV8Flags(), ...(o.nodeArgs ?? []), engineEntry(), o.configFile],
    {
      stdio: ["ignore", out, out, "ipc"],
    },
  );
  o.onSpawn?.(spawned.record);
  const child = spawned.child;
  let resolveReady: (r: EngineReady | null) => void = () => {};
  const ready = new Promise<EngineReady | null>((r) => {
    resolveReady = r;
  });
  let outcome: EngineOutcome | null = null;
  child.on("message", (m: FromEngine) => {
    if (m.type === "ready")
      resolveReady({
        plannedDurationMs: m.plannedDurationMs,
        maxDurationMs: m.maxDurationMs,
        bundleSha256: m.bundleSha256,
      });
    else if (m.type === "progress") o.onProgress?.(m.progress);
    else if (m.type === "result") outcome = { kind: "result", result: m.result };
    else if (m.type === "failed") outcome = { kind: "failed", exitCode: m.exitCode, lines: m.lines };
  });
  const finished = spawned.exited.then((code): EngineOutcome => {
    resolveReady(null);
    return outcome ?? { kind: "crashed", exitCode: code };
  });
  const send = (m: ToEngine) => {
    if (child.connected) child.send(m);
  };
  return {
    record: spawned.record,
    pid: spawned.record.pid,
    ready,
    start: (t0EpochMs, t0MonoMs) =>
      send({ type: "start", t0EpochMs, ...(t0MonoMs === undefined ? {} : { t0MonoMs }) }),
    stop: () => send({ type: "stop" }),
    finished,
  };
};
