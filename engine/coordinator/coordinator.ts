import { writeFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { inputError } from "../../kernel/errors.js";
import { bundleScript } from "../bundle/bundle.js";
import { measureEpochOffset, monoNow } from "../clock/clock.js";
import type { EngineConfig, EngineResult, FromEngine } from "../config.js";
import { SharedCounters } from "../executors/shared-counters.js";
import { plannedEndMs, type ResolvedOptions, scheduleEndMs } from "../options/resolve.js";
import { ResultsWriter } from "../output/results-writer.js";
import { summaryExport, summaryText } from "../output/summary.js";
import type { ToWorker } from "../worker/protocol.js";
import { Aggregator } from "./aggregator.js";
import { byteCapBreach } from "./caps.js";
import { ConsoleLog } from "./console-log.js";
import { Ending } from "./ending.js";
import { engineResult } from "./engine-result.js";
import { probeScript } from "./probe-script.js";
import { startProgressTicker } from "./progress-ticker.js";
import { SampleStream } from "./sample-stream.js";
import { startWarmUpServer } from "./warm-up-server.js";
import { WorkerPool } from "./worker-pool.js";

/**
 * The engine process's main thread: bundles and checks the script, resolves its options, starts the worker
 * threads, runs setup, releases the schedule at t0, merges and aggregates the workers' samples, writes the
 * outputs, evaluates thresholds every 2 s (and at the end), runs teardown and reports how the test ended.
 */
export interface EngineIo {
  send(m: FromEngine): void;
  /** Resolves with t0 (epoch ms, and monotonic ms when the harness gives it) when the schedule is released. */
  waitForStart(): Promise<{ epochMs: number; monoMs?: number }>;
  /** Registers what to do when asked to stop (Ctrl-C, the harness). */
  onStop(fn: () => void): void;
  say(line: string): void;
}

/**
 * How often a worker ships its samples. Every shipment wakes this thread and, through the results file and
 * the console file, the thread pool; at 100 ms (rather than 20) the engine spent 0.006–0.012 ms less CPU per
 * request on the journeys (bench journey-rate). Thresholds run every 2 s and the live line reads shared
 * counters, so nothing waits on a shipment longer than that.
 */
const sampleFlushMs = 100;

/**
 * The coordinator's work (merging, aggregating, writing the results) can wait; the workers' cannot: a late
 * start is a measurement error. Once the workers exist, this thread (and the thread pool it then starts for
 * compression and file writes) runs at a lower priority, so on a shared core the scheduler runs the workers
 * first and the coordinator in their gaps. On Linux the nice value is per thread; the workers keep theirs.
 */
const lowerOwnPriority = (): void => {
  try {
    setPriority(0, Math.max(getPriority(0), 10));
  } catch {
    // not permitted here: the coordinator keeps its priority
  }
};

/** Runs setup() on worker 0; a failure ends the run before t0 and skips teardown. */
const runSetup = async (pool: WorkerPool, ending: Ending): Promise<string | undefined> => {
  const done = await pool.ask(0, { type: "setup" }, "setup-done");
  if (done.type !== "setup-done") return undefined;
  if (done.error) ending.failBeforeStart(`setup() failed: ${done.error}`);
  return done.error ? undefined : done.json;
};

/** Warms each worker's request path against the engine's own loopback server: no target traffic. */
const warmUp = async (pool: WorkerPool): Promise<void> => {
  const server = await startWarmUpServer();
  try {
    const message: ToWorker = { type: "warm-up", url: server.url, requests: 2000, withinMs: 1000 };
    await Promise.all(Array.from({ length: pool.size }, (_, i) => pool.ask(i, message, "warm-up-done")));
  } finally {
    await server.close();
  }
};

interface Started {
  t0Epoch: number;
  t0Mono: number;
}

/** Tells the harness the engine is ready, waits for t0, releases the workers and runs until they finish. */
const runSchedule = async (
  c: {
    config: EngineConfig;
    io: EngineIo;
    options: ResolvedOptions;
    bundleSha256: string;
    epochOffset: number;
  },
  run: {
    pool: WorkerPool;
    agg: Aggregator;
    stream: SampleStream;
    ending: Ending;
    setupJson: string | undefined;
  },
): Promise<Started> => {
  const plannedMs = plannedEndMs(c.options);
  c.io.send({
    type: "ready",
    plannedDurationMs: plannedMs,
    maxDurationMs: scheduleEndMs(c.options),
    bundleSha256: c.bundleSha256,
  });
  const t0 = c.config.start === "harness" ? await c.io.waitForStart() : { epochMs: Date.now() + 20 };
  const started = { t0Epoch: t0.epochMs, t0Mono: t0.monoMs ?? t0.epochMs - c.epochOffset };
  run.pool.broadcast({ type: "start", ...started, setupJson: run.setupJson });
  const stopTicker = startProgressTicker({
    ...started,
    options: c.options,
    plannedMs,
    agg: run.agg,
    stream: run.stream,
    ending: run.ending,
    caps: c.config.caps,
    states: () => run.pool.states(),
    send: (m) => c.io.send(m),
  });
  try {
    await run.pool.allDone;
  } finally {
    stopTicker();
  }
  return started;
};

export const runEngine = async (config: EngineConfig, io: EngineIo): Promise<EngineResult> => {
  const bundle = await bundleScript(config.script);
  if (config.out.bundle) writeFileSync(config.out.bundle, bundle.esm);
  const epochOffset = measureEpochOffset();
  const { init, options, exposed, functions } = probeScript(config, bundle, epochOffset);

  const counters = SharedCounters.create(options.scenarios.length);
  const writer = config.out.results ? new ResultsWriter(config.out.results) : null;
  const log = new ConsoleLog(config.out.console);
  const agg = new Aggregator(options.thresholds);
  const stream = new SampleStream(agg, writer, config.workers);
  const ending = new Ending(() => pool.broadcast({ type: "stop", hard: true }));
  // The byte cap is checked as each batch of samples is merged (every few ms), not only once a second.
  stream.watchBytes(config.caps.maxBytes, (bytes) =>
    ending.endWith("aborted-by-cap", byteCapBreach(bytes, config.caps.maxBytes)),
  );
  const pool = new WorkerPool(stream, log, ending);
  let started: Started | null = null;
  let setupJson: string | undefined;
  try {
    pool.start(config.workers, (i) => ({
      ...init,
      worker: i,
      workers: config.workers,
      options,
      exposedOptions: exposed,
      counters: counters.buffer,
      flushEveryMs: sampleFlushMs,
    }));
    lowerOwnPriority();
    const initError = await pool.ready();
    if (initError) throw inputError(`${config.script}: the init code failed in a worker: ${initError}`);
    io.onStop(() => ending.endWith("interrupted", "interrupted"));
    if (functions.includes("setup")) setupJson = await runSetup(pool, ending);
    if (!ending.stopping && config.warmUp) await warmUp(pool);
    if (!ending.stopping)
      started = await runSchedule(
        { config, io, options, bundleSha256: bundle.sha256, epochOffset },
        { pool, agg, stream, ending, setupJson },
      );
    const setupFailed = ending.status === "error" && ending.reason.some((r) => r.startsWith("setup()"));
    if (functions.includes("teardown") && !setupFailed) {
      const done = await pool.ask(0, { type: "teardown", setupJson }, "teardown-done");
      if (done.type === "teardown-done" && done.error) ending.reason.push(`teardown() failed: ${done.error}`);
    }
  } finally {
    await pool.stopAll();
  }
  stream.drain(true);
  const elapsedMs = started === null ? 0 : monoNow() - started.t0Mono;
  const elapsedS = Math.max(elapsedMs, 1) / 1000;
  const thresholds = agg.evaluate(elapsedS, Number.POSITIVE_INFINITY);
  if (ending.status === "completed" && thresholds.some((t) => !t.passed)) {
    ending.status = "thresholds-failed";
    for (const t of thresholds.filter((x) => !x.passed))
      ending.reason.push(
        `threshold '${t.threshold}' on ${t.metric} failed (observed ${Number(t.observed.toFixed(4))})`,
      );
  }
  if (config.out.summaryExport)
    writeFileSync(
      config.out.summaryExport,
      `${JSON.stringify(summaryExport(agg, thresholds, options.summaryTrendStats, elapsedS), null, 2)}\n`,
    );
  if (config.printSummary) io.say(summaryText(agg, thresholds, options.summaryTrendStats, elapsedS));
  if (writer) await writer.close();
  await log.close();
  return engineResult({
    config,
    options,
    status: ending.status,
    reason: ending.reason,
    t0Epoch: started?.t0Epoch ?? null,
    elapsedMs,
    states: pool.states(),
    agg,
    thresholds,
    bundleSha256: bundle.sha256,
    results: { lines: writer?.lines ?? 0, bytes: writer?.bytes ?? 0 },
  });
};
