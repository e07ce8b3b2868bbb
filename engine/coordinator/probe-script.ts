import { HarnessError, inputError } from "../../kernel/errors.js";
import type { Bundle } from "../bundle/bundle.js";
import type { EngineConfig } from "../config.js";
import { SharedCounters } from "../executors/shared-counters.js";
import { type ResolvedOptions, resolveOptions } from "../options/resolve.js";
import type { WorkerInit } from "../worker/protocol.js";
import { WorkerEngine } from "../worker/worker-engine.js";
import { checkPlan } from "./check-plan.js";

/** The options as `exec.test.options` shows them: plain data. */
export const exposedOptions = (raw: unknown): unknown => JSON.parse(JSON.stringify(raw ?? {}));

export interface ProbedScript {
  /** The worker start data with the defaults; each worker's copy adds its index, the options and counters. */
  init: WorkerInit;
  options: ResolvedOptions;
  /** The script's `options` export as plain data. */
  exposed: unknown;
  /** The names of the functions the script exports. */
  functions: string[];
}

/**
 * Runs the init code once on this thread to read the options and the metrics the script declares, as k6
 * does before its VUs start, resolves the options with the command line's overrides and checks the plan.
 */
export const probeScript = (config: EngineConfig, bundle: Bundle, epochOffset: number): ProbedScript => {
  const init: WorkerInit = {
    worker: 0,
    workers: 1,
    cjs: bundle.cjs,
    filename: config.script,
    dir: bundle.dir,
    env: config.env,
    options: resolveOptions({}, config.script),
    exposedOptions: {},
    allowHosts: config.allowHosts,
    epochOffset,
    counters: SharedCounters.create(0).buffer,
    flushEveryMs: 1000,
  };
  const probe = new WorkerEngine(init, () => {});
  let exportNames: string[];
  try {
    exportNames = probe.load();
  } catch (e) {
    if (e instanceof HarnessError) throw e;
    throw inputError(`${config.script}: the init code failed: ${(e as Error).stack ?? String(e)}`);
  }
  const exposed = exposedOptions(probe.exported("options"));
  const options = resolveOptions(exposed, config.script, config.overrides);
  const declared = new Map(probe.declaredMetrics().map((m) => [m.name, m.type]));
  const functions = exportNames.filter((n) => typeof probe.exported(n) === "function");
  checkPlan(options, functions, config.script, declared, config.caps);
  return { init, options, exposed, functions };
};
