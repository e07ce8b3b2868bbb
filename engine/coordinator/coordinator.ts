import { once } from "node:events";
import { createWriteStream, type WriteStream, writeFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { HarnessError, inputError } from "../../kernel/errors.js";
import { ExitCode } from "../../kernel/exit-codes.js";
import { bundleScript } from "../bundle/bundle.js";
import { measureEpochOffset, monoNow } from "../clock/clock.js";
import type { EngineConfig, EngineResult, EngineStatus, FromEngine, Progress } from "../config.js";
import { SharedCounters } from "../executors/shared-counters.js";
import { builtinByName, builtinMetrics } from "../metrics/builtin.js";
import { aggregationsFor } from "../metrics/thresholds.js";
import { plannedEndMs, type ResolvedOptions, resolveOptions, scheduleEndMs } from "../options/resolve.js";
import { ResultsWriter } from "../output/results-writer.js";
import { summaryExport, summaryText } from "../output/summary.js";
import { tagsJson } from "../runtime/samples.js";
import { plannedStarts, rateAt } from "../schedule/arrival-rate.js";
import { SegmentMap } from "../schedule/segments.js";
import type { FromWorker, ToWorker, WorkerInit, WorkerState } from "../worker/protocol.js";
import { WorkerEngine } from "../worker/worker-engine.js";
import { Aggregator, type ThresholdResult } from "./aggregator.js";
import { SampleStream } from "./sample-stream.js";
import { startWarmUpServer } from "./warm-up-server.js";

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

const workerFile = (): string => join(dirname(fileURLToPath(import.meta.url)), "engine-worker.js");
const thresholdEveryMs = 2000;

interface WorkerHandle {
  thread: Worker;
  state: WorkerState | null;
  done: boolean;
  exited: boolean;
}

const statusExit: Record<EngineStatus, number> = {
  completed: ExitCode.passed,
  "thresholds-failed": ExitCode.failed,
  "aborted-by-threshold": ExitCode.failed,
  "aborted-by-script": ExitCode.failed,
  error: ExitCode.badInput,
  interrupted: ExitCode.interrupted,
};

/** The options as `exec.test.options` shows them: plain data. */
const exposedOptions = (raw: unknown): unknown => JSON.parse(JSON.stringify(raw ?? {}));

const checkPlan = (
  o: ResolvedOptions,
  exportsList: readonly string[],
  script: string,
  metrics: ReadonlyMap<string, string>,
  caps: EngineConfig["caps"],
): void => {
  const problems: string[] = [];
  for (const s of o.scenarios)
    if (!exportsList.includes(s.exec))
      problems.push(
        `${script}: options.scenarios.${s.name}.exec: "${s.exec}" is not a function the script exports`,
      );
  for (const t of o.thresholds) {
    const type = builtinByName.get(t.key.metric)?.type ?? metrics.get(t.key.metric);
    if (!type) {
      problems.push(
        `${script}: options.thresholds["${t.key.source}"]: no metric named ${t.key.metric} exists`,
      );
      continue;
    }
    for (const e of t.exprs)
      if (!aggregationsFor[type as keyof typeof aggregationsFor].includes(e.expr.aggregation.kind))
        problems.push(
          `${script}: options.thresholds["${t.key.source}"]: "${e.expr.source}" does not apply to a ${type} (use ${aggregationsFor[type as keyof typeof aggregationsFor].join(", ")})`,
        );
  }
  const vus = o.scenarios.reduce((a, s) => a + s.maxVUs, 0);
  if (caps.maxVUs !== null && vus > caps.maxVUs)
    problems.push(`the plan holds up to ${vus} VUs, over the cap of ${caps.maxVUs}`);
  const endS = scheduleEndMs(o) / 1000;
  if (caps.maxDurationS !== null && endS > caps.maxDurationS)
    problems.push(
      `the plan lasts up to ${endS} s with graceful stops, over the cap of ${caps.maxDurationS} s`,
    );
  if (caps.maxRatePerS !== null) {
    const peak = o.scenarios.reduce((a, s) => {
      if (s.executor !== "constant-arrival-rate" && s.executor !== "ramping-arrival-rate") return a;
      return a + Math.max(s.curve.startPerMs, ...s.curve.stages.map((st) => st.targetPerMs)) * 1000;
    }, 0);
    if (peak > caps.maxRatePerS)
      problems.push(`the plan starts up to ${peak} iterations/s, over the cap of ${caps.maxRatePerS}`);
  }
  if (problems.length > 0) throw inputError(...problems);
};

export const runEngine = async (config: EngineConfig, io: EngineIo): Promise<EngineResult> => {
  const bundle = await bundleScript(config.script);
  if (config.out.bundle) writeFileSync(config.out.bundle, bundle.esm);
  const scriptName = config.script;
  const epochOffset = measureEpochOffset();

  // Init once here to read the options and the metrics it declares, as k6 does before its VUs start.
  const defaults = resolveOptions({}, scriptName);
  const probeInit: WorkerInit = {
    worker: 0,
    workers: 1,
    cjs: bundle.cjs,
    filename: config.script,
    dir: bundle.dir,
    env: config.env,
    options: defaults,
    exposedOptions: {},
    allowHosts: config.allowHosts,
    epochOffset,
    counters: SharedCounters.create(0).buffer,
    flushEveryMs: 1000,
  };
  const probe = new WorkerEngine(probeInit, () => {});
  let exportNames: string[];
  try {
    exportNames = probe.load();
  } catch (e) {
    if (e instanceof HarnessError) throw e;
    throw inputError(`${scriptName}: the init code failed: ${(e as Error).stack ?? String(e)}`);
  }
  const rawOptions = probe.exported("options");
  const options = resolveOptions(
    rawOptions === undefined ? {} : exposedOptions(rawOptions),
    scriptName,
    config.overrides,
  );
  const declared = new Map(probe.declaredMetrics().map((m) => [m.name, m.type]));
  const functions = exportNames.filter((n) => typeof probe.exported(n) === "function");
  checkPlan(options, functions, scriptName, declared, config.caps);

  const counters = SharedCounters.create(options.scenarios.length);
  const writer = config.out.results ? new ResultsWriter(config.out.results) : null;
  const consoleOut: WriteStream | null = config.out.console ? createWriteStream(config.out.console) : null;
  const agg = new Aggregator(options.thresholds);
  const stream = new SampleStream(agg, writer, config.workers);
  const workers: WorkerHandle[] = [];
  let status: EngineStatus = "completed";
  const reason: string[] = [];
  let stopping = false;
  let t0Epoch: number | null = null;
  let t0Mono = 0;
  let finishedAll: () => void = () => {};
  const allDone = new Promise<void>((r) => {
    finishedAll = r;
  });
  const waiters = new Map<string, (m: FromWorker) => void>();

  const endWith = (s: EngineStatus, why: string) => {
    if (stopping) return;
    stopping = true;
    status = s;
    reason.push(why);
    for (const w of workers) w.thread.postMessage({ type: "stop", hard: true } satisfies ToWorker);
  };

  const writeLogs = (logs: Extract<FromWorker, { type: "batch" }>["logs"]) => {
    for (const l of logs) {
      const time = new Date(l.timeMs).toISOString();
      if (consoleOut)
        consoleOut.write(`${JSON.stringify({ level: l.level, msg: l.msg, source: "console", time })}\n`);
      else
        process.stderr.write(`time="${time}" level=${l.level} msg=${JSON.stringify(l.msg)} source=console\n`);
    }
  };

  const onMessage = (index: number, m: FromWorker) => {
    const w = workers[index] as WorkerHandle;
    switch (m.type) {
      case "batch":
        w.state = m.state;
        stream.receive(m);
        writeLogs(m.logs);
        return;
      case "done":
        w.done = true;
        stream.workerDone(index);
        if (workers.every((x) => x.done)) finishedAll();
        return;
      case "fatal":
        endWith("error", m.message);
        return;
      case "abort":
        endWith("aborted-by-script", `exec.test.abort(): ${m.message}`);
        return;
      default:
        waiters.get(`${index}:${m.type}`)?.(m);
    }
  };
  const expect = (index: number, type: FromWorker["type"]): Promise<FromWorker> =>
    new Promise((resolvePromise) => {
      waiters.set(`${index}:${type}`, (m) => {
        waiters.delete(`${index}:${type}`);
        resolvePromise(m);
      });
    });

  const stopAll = async () => {
    await Promise.all(
      workers.map(async (w) => {
        if (w.exited) return;
        let timer: NodeJS.Timeout | undefined;
        w.thread.postMessage({ type: "exit" } satisfies ToWorker);
        await Promise.race([once(w.thread, "exit"), new Promise((r) => (timer = setTimeout(r, 2000)))]);
        clearTimeout(timer);
        await w.thread.terminate();
      }),
    );
  };

  let ticker: NodeJS.Timeout | null = null;
  try {
    for (let i = 0; i < config.workers; i++) {
      const init: WorkerInit = {
        ...probeInit,
        worker: i,
        workers: config.workers,
        options,
        exposedOptions: exposedOptions(rawOptions),
        counters: counters.buffer,
        flushEveryMs: 20,
      };
      const thread = new Worker(workerFile(), {
        workerData: init,
        // A larger young generation than Node's default: fewer scavenges at high request rates.
        resourceLimits: { maxYoungGenerationSizeMb: 48 },
      });
      const handle: WorkerHandle = { thread, state: null, done: false, exited: false };
      workers.push(handle);
      thread.once("exit", () => {
        handle.exited = true;
      });
      thread.on("message", (m: FromWorker) => onMessage(i, m));
      thread.on("error", (e) => endWith("error", `worker ${i} failed: ${e.stack ?? e.message}`));
    }
    lowerOwnPriority();
    const ready = await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<FromWorker>((resolvePromise) => {
            waiters.set(`${i}:ready`, resolvePromise);
            waiters.set(`${i}:init-error`, resolvePromise);
            w.thread.once("exit", () => resolvePromise({ type: "init-error", message: "the worker exited" }));
          }),
      ),
    );
    const failedInit = ready.find((m) => m.type === "init-error");
    if (failedInit && failedInit.type === "init-error")
      throw inputError(`${scriptName}: the init code failed in a worker: ${failedInit.message}`);

    io.onStop(() => endWith("interrupted", "interrupted"));

    let setupJson: string | undefined;
    if (functions.includes("setup")) {
      const pending = expect(0, "setup-done");
      workers[0]?.thread.postMessage({ type: "setup" } satisfies ToWorker);
      const done = await pending;
      if (done.type === "setup-done" && done.error) {
        status = "error";
        reason.push(`setup() failed: ${done.error}`);
        stopping = true;
      } else if (done.type === "setup-done") setupJson = done.json;
    }

    if (!stopping && config.warmUp) {
      const server = await startWarmUpServer();
      try {
        await Promise.all(
          workers.map((w, i) => {
            const pending = expect(i, "warm-up-done");
            w.thread.postMessage({
              type: "warm-up",
              url: server.url,
              requests: 2000,
              withinMs: 1000,
            } satisfies ToWorker);
            return pending;
          }),
        );
      } finally {
        await server.close();
      }
    }

    const plannedMs = plannedEndMs(options);
    const processMap = new SegmentMap(options.segmentation.sequence, options.segmentation.segment);
    if (!stopping) {
      io.send({
        type: "ready",
        plannedDurationMs: plannedMs,
        maxDurationMs: scheduleEndMs(options),
        bundleSha256: bundle.sha256,
      });
      const t0 = config.start === "harness" ? await io.waitForStart() : { epochMs: Date.now() + 20 };
      t0Epoch = t0.epochMs;
      t0Mono = t0.monoMs ?? t0Epoch - epochOffset;
      for (const w of workers)
        w.thread.postMessage({ type: "start", t0Mono, t0Epoch, setupJson } satisfies ToWorker);

      // Once a second: the vus gauges, the progress line; every 2 s the thresholds.
      let lastStarted = 0;
      let second = 0;
      const vusTags = tagsJson({ ...options.tags });
      const tick = () => {
        second++;
        const at = t0Epoch as number;
        const now = at + second * 1000;
        const states = workers.map((w) => w.state).filter((s): s is WorkerState => s !== null);
        const sum = (f: (s: WorkerState["scenarios"][number]) => number) =>
          states.reduce((a, s) => a + s.scenarios.reduce((b, sc) => b + f(sc), 0), 0);
        const busy = sum((s) => s.busy);
        const allocated = sum((s) => s.allocated);
        stream.addOwn(builtinMetrics.vus, now, busy, vusTags);
        stream.addOwn(builtinMetrics.vusMax, now, allocated, vusTags);
        const started = sum((s) => s.started);
        const elapsedMs = monoNow() - t0Mono;
        const plannedRate = options.scenarios.some((s) => s.executor.endsWith("arrival-rate"))
          ? options.scenarios.reduce(
              (a, s) =>
                s.executor === "constant-arrival-rate" || s.executor === "ramping-arrival-rate"
                  ? a +
                    rateAt(s.curve, elapsedMs - s.startTimeMs) * 1000 * (processMap.share / processMap.period)
                  : a,
              0,
            )
          : null;
        const progress: Progress = {
          elapsedS: elapsedMs / 1000,
          plannedS: plannedMs / 1000,
          rate: started - lastStarted,
          plannedRate,
          vusBusy: busy,
          vusAllocated: allocated,
          dropped: sum((s) => s.dropped),
          errors: agg.httpFailures + states.reduce((a, s) => a + s.iterationErrors, 0),
          p95Ms: agg.recentP95(),
          requests: agg.metrics.get("http_reqs")?.sink.count() ?? 0,
        };
        lastStarted = started;
        io.send({ type: "progress", progress });
        if (second % (thresholdEveryMs / 1000) === 0 && !stopping) {
          const results = agg.evaluate(elapsedMs / 1000, elapsedMs);
          const abort = results.find((r) => r.abortedAtMs !== null);
          if (abort)
            endWith(
              "aborted-by-threshold",
              `threshold '${abort.threshold}' on ${abort.metric} failed (observed ${abort.observed}) and aborts the test`,
            );
        }
        stream.ownNext(at + (second + 1) * 1000);
        const next = t0Mono + (second + 1) * 1000 - monoNow();
        ticker = setTimeout(tick, Math.max(0, next));
      };
      stream.ownNext(t0Epoch + 1000);
      ticker = setTimeout(tick, Math.max(0, t0Mono + 1000 - monoNow()));
      await allDone;
      if (ticker) clearTimeout(ticker);
      ticker = null;
    }

    if (
      functions.includes("teardown") &&
      !(status === "error" && reason.some((r) => r.startsWith("setup()")))
    ) {
      const pending = expect(0, "teardown-done");
      workers[0]?.thread.postMessage({ type: "teardown", setupJson } satisfies ToWorker);
      const done = await pending;
      if (done.type === "teardown-done" && done.error) reason.push(`teardown() failed: ${done.error}`);
    }
  } finally {
    if (ticker) clearTimeout(ticker);
    await stopAll();
  }
  stream.drain(true);
  const endMono = monoNow();
  const elapsedMs = t0Epoch === null ? 0 : endMono - t0Mono;
  const thresholds: ThresholdResult[] = agg.evaluate(Math.max(elapsedMs, 1) / 1000, Number.POSITIVE_INFINITY);
  if (status === "completed" && thresholds.some((t) => !t.passed)) {
    status = "thresholds-failed";
    for (const t of thresholds.filter((x) => !x.passed))
      reason.push(
        `threshold '${t.threshold}' on ${t.metric} failed (observed ${Number(t.observed.toFixed(4))})`,
      );
  }
  const states = workers.map((w) => w.state);
  const scen = states.flatMap((s) => s?.scenarios ?? []);
  const totals = (f: (s: (typeof scen)[number]) => number) => scen.reduce((a, s) => a + f(s), 0);
  const elapsedS = Math.max(elapsedMs, 1) / 1000;
  if (config.out.summaryExport)
    writeFileSync(
      config.out.summaryExport,
      `${JSON.stringify(summaryExport(agg, thresholds, options.summaryTrendStats, elapsedS), null, 2)}\n`,
    );
  if (config.printSummary) io.say(summaryText(agg, thresholds, options.summaryTrendStats, elapsedS));
  if (writer) await writer.close();
  if (consoleOut) {
    consoleOut.end();
    await once(consoleOut, "close");
  }
  const planned = options.scenarios.every((s) => s.executor.endsWith("arrival-rate"))
    ? options.scenarios.reduce(
        (a, s) =>
          s.executor === "constant-arrival-rate" || s.executor === "ramping-arrival-rate"
            ? a + instanceMap(options).countBelow(plannedStarts(s.curve))
            : a,
        0,
      )
    : null;
  const httpReqs = agg.metrics.get("http_reqs")?.sink.count() ?? 0;
  const failedSink = agg.metrics.get("http_req_failed")?.sink;
  return {
    status,
    exitCode: statusExit[status],
    reason,
    t0EpochMs: t0Epoch,
    loadStartedAt: t0Epoch === null ? null : new Date(t0Epoch).toISOString(),
    workers: config.workers,
    workerStartOffsetsMs: states.map((s) => s?.startOffsetMs ?? null),
    thresholds: thresholds.map((t) => ({
      metric: t.metric,
      threshold: t.threshold,
      passed: t.passed,
      observed: t.observed,
      abortOnFail: t.abortOnFail,
    })),
    iterations: {
      started: totals((s) => s.started),
      completed: totals((s) => s.completed),
      interrupted: totals((s) => s.interrupted),
      dropped: totals((s) => s.dropped),
      planned,
      errors: states.reduce((a, s) => a + (s?.iterationErrors ?? 0), 0),
    },
    vusMax: totals((s) => s.allocated),
    requests: httpReqs,
    failedRequests: failedSink ? Math.round(failedSink.rate() * failedSink.count()) : 0,
    durationMs: elapsedMs,
    bundleSha256: bundle.sha256,
    results: { file: config.out.results ?? null, lines: writer?.lines ?? 0, bytes: writer?.bytes ?? 0 },
  };
};

const instanceMap = (o: ResolvedOptions): SegmentMap =>
  new SegmentMap(o.segmentation.sequence, o.segmentation.segment);
