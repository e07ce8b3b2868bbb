import type { GuardedDialer } from "../net/guarded-dial.js";
import type { IterationContext } from "./context.js";
import type { SampleEmitter } from "./samples.js";

/** Instance-wide counters shared by every worker thread of the process (k6's `exec.instance`). */
export interface InstanceCounters {
  iterationsCompleted(): number;
  iterationsInterrupted(): number;
  vusActive(): number;
  vusInitialized(): number;
}

/** What the k6 modules of one worker need from the engine around them. */
export interface RuntimeEnv {
  emitter: SampleEmitter;
  dialer: GuardedDialer;
  /** Test-wide tags (`options.tags`). */
  testTags: Readonly<Record<string, string>>;
  maxRedirects: number;
  discardResponseBodies: boolean;
  userAgent: string;
  /** The consolidated options, as `exec.test.options` shows them. */
  options: unknown;
  /** Epoch ms of t0 (the schedule's release); before that, the time setup started. */
  testStartMs(): number;
  instance: InstanceCounters;
  /** True while the script's init code runs. */
  inInit(): boolean;
  /** A refused API or host: ends the test with exit 2. */
  fatal(error: Error): void;
  /** exec.test.abort(message). */
  abortTest(message: string): void;
  /** The script's realm: binary bodies and parsed JSON are made with its built-ins. */
  realm: import("./sandbox.js").Realm | null;
  /** Reads a file for `open()` (init only), relative to the script. */
  readFile(path: string, binary: boolean): string | ArrayBuffer;
}

/** Tags every sample of an iteration carries before per-call tags: test, scenario, VU, group. */
export const baseTags = (env: RuntimeEnv, ctx: IterationContext | undefined): Record<string, string> => {
  if (!ctx) return { ...env.testTags, group: "" };
  if (ctx.phase !== "iteration")
    return {
      ...env.testTags,
      ...ctx.vu.tags,
      group: ctx.group === "" ? `::${ctx.phase}` : `::${ctx.phase}${ctx.group}`,
    };
  return { ...env.testTags, ...ctx.scenario.tags, ...ctx.vu.tags, group: ctx.group };
};
