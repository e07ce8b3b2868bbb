import type { ScenarioState } from "../executors/scenario-run.js";
import type { MetricDef } from "../metrics/builtin.js";
import type { ResolvedOptions } from "../options/resolve.js";
import type { LogLine } from "../runtime/samples.js";

/** Messages between the coordinator (the engine process's main thread) and its worker threads. */
export interface WorkerInit {
  worker: number;
  workers: number;
  cjs: string;
  filename: string;
  dir: string;
  env: Record<string, string>;
  options: ResolvedOptions;
  /** The consolidated options as `exec.test.options` shows them. */
  exposedOptions: unknown;
  allowHosts: string[];
  epochOffset: number;
  counters: SharedArrayBuffer;
  flushEveryMs: number;
}

export type ToWorker =
  | { type: "setup" }
  | { type: "warm-up"; url: string; requests: number; withinMs: number }
  | { type: "start"; t0Mono: number; t0Epoch: number; setupJson: string | undefined }
  | { type: "stop"; hard: boolean }
  | { type: "teardown"; setupJson: string | undefined }
  | { type: "exit" };

export interface WorkerState {
  scenarios: ScenarioState[];
  iterationErrors: number;
  /** Monotonic ms this worker actually released its schedule, minus t0 (its start offset). */
  startOffsetMs: number | null;
}

export type FromWorker =
  | { type: "ready"; exports: string[] }
  | { type: "setup-done"; json: string | undefined; error?: string }
  | { type: "warm-up-done"; requests: number; ms: number }
  | {
      type: "batch";
      worker: number;
      samples: Float64Array;
      metrics: Array<[number, MetricDef]>;
      tags: Array<[number, string]>;
      tagsReset: boolean;
      logs: LogLine[];
      state: WorkerState;
      /** Every later sample of this worker has a time at or after this (epoch ms). */
      watermark: number;
    }
  | { type: "fatal"; message: string }
  | { type: "abort"; message: string }
  | { type: "done" }
  | { type: "teardown-done"; error?: string }
  | { type: "init-error"; message: string };
