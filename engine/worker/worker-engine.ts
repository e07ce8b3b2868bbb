import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { monoNow } from "../clock/clock.js";
import type { Executor } from "../executors/executor.js";
import { createExecutor } from "../executors/index.js";
import { SharedCounters } from "../executors/shared-counters.js";
import type { HttpSettings } from "../http/vu-connections.js";
import { VuConnections } from "../http/vu-connections.js";
import { type Dial, GuardedDialer, type Resolve } from "../net/guarded-dial.js";
import { type IterationContext, iterationStore, type ScenarioInfo, type Vu } from "../runtime/context.js";
import type { RuntimeEnv } from "../runtime/env.js";
import {
  InterruptedError,
  RefusedHostError,
  TestAbortError,
  UnsupportedApiError,
} from "../runtime/errors.js";
import { createExecutionModule } from "../runtime/modules/execution.js";
import { createHttpModule } from "../runtime/modules/http.js";
import { createK6Module } from "../runtime/modules/k6.js";
import { createMetricsModule } from "../runtime/modules/metrics.js";
import { createTimersModule } from "../runtime/modules/timers.js";
import { type LogLine, SampleEmitter } from "../runtime/samples.js";
import { createRealm, type LoadedScript, loadScript, strictModule } from "../runtime/sandbox.js";
import { SegmentMap, segmentIndex } from "../schedule/segments.js";
import type { FromWorker, ToWorker, WorkerInit, WorkerState } from "./protocol.js";

/**
 * One worker thread's engine: the script's init code run once, the k6 modules bound to this worker, its
 * share of every scenario, and the sample batches it ships. It talks through `send`, so it also runs
 * in-process (tests inject a resolver and a dialler that way).
 */
export interface WorkerHooks {
  resolve?: Resolve;
  dial?: Dial;
}

const maxLoggedErrors = 50;

const formatArg = (a: unknown): string => {
  if (typeof a === "string") return a;
  if (a instanceof Error) return a.message;
  if (a === undefined) return "undefined";
  if (typeof a === "function") return "[object Function]";
  try {
    return JSON.stringify(a) ?? String(a);
  } catch {
    return String(a);
  }
};

export class WorkerEngine {
  readonly dialer: GuardedDialer;
  private readonly emitter: SampleEmitter;
  private readonly counters: SharedCounters;
  private script!: LoadedScript;
  private initPhase = true;
  private executors: Executor[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private t0Epoch = 0;
  private startOffsetMs: number | null = null;
  private iterationErrors = 0;
  /** While warming up, samples are dropped, never shipped. */
  private warming = false;
  private loggedErrors = 0;
  private fatalSent = false;
  private timers!: ReturnType<typeof createTimersModule>;
  private http!: ReturnType<typeof createHttpModule>;
  private readonly httpSettings: HttpSettings;

  constructor(
    private readonly init: WorkerInit,
    private readonly send: (m: FromWorker, transfer?: ArrayBuffer[]) => void,
    hooks: WorkerHooks = {},
  ) {
    this.dialer = new GuardedDialer({
      allow: { hosts: init.allowHosts },
      ...(hooks.resolve ? { resolve: hooks.resolve } : {}),
      ...(hooks.dial ? { dial: hooks.dial } : {}),
    });
    this.emitter = new SampleEmitter(init.epochOffset, () => this.flush());
    this.counters = new SharedCounters(init.counters);
    this.httpSettings = {
      dialer: this.dialer,
      idleTimeoutMs: init.options.idleTimeoutMs,
      noConnectionReuse: init.options.noConnectionReuse,
    };
  }

  private readonly env: RuntimeEnv = {
    emitter: undefined as unknown as SampleEmitter,
    dialer: undefined as unknown as GuardedDialer,
    testTags: {},
    maxRedirects: 10,
    discardResponseBodies: false,
    userAgent: "",
    options: null,
    testStartMs: () => this.t0Epoch || this.emitter.now(),
    instance: {
      iterationsCompleted: () => this.counters.completed(),
      iterationsInterrupted: () => this.counters.interrupted(),
      vusActive: () => this.counters.vusActive(),
      vusInitialized: () => this.counters.vusInitialized(),
    },
    inInit: () => this.initPhase,
    realm: null,
    fatal: (e) => this.fatal(e),
    abortTest: (message) => this.send({ type: "abort", message }),
    readFile: (path, binary) => {
      const full = isAbsolute(path) ? path : join(this.init.dir, path);
      const data = readFileSync(full);
      return binary
        ? (data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer)
        : data.toString("utf8");
    },
  };

  /** Runs init code; returns the script's exports' names. */
  load(): string[] {
    const o = this.init.options;
    Object.assign(this.env, {
      emitter: this.emitter,
      dialer: this.dialer,
      testTags: o.tags,
      maxRedirects: o.maxRedirects,
      discardResponseBodies: o.discardResponseBodies,
      userAgent: o.userAgent,
      options: this.init.exposedOptions,
    });
    this.env.realm = createRealm(this.init.filename);
    const env = this.env;
    this.timers = createTimersModule((e, ctx) => this.iterationError(e, ctx));
    this.http = createHttpModule(env);
    let seedRandom: (seed: number) => void = () => {};
    const k6 = createK6Module(env, (seed) => seedRandom(seed));
    const metrics = createMetricsModule(env);
    const exec = createExecutionModule(env, this.init.epochOffset);
    const mod = (
      name: string,
      members: Record<string, unknown>,
      defaultObject?: Record<string, unknown>,
    ) => ({
      __esModule: true,
      ...members,
      default: strictModule(name, defaultObject ?? members),
    });
    const modules = {
      k6: mod("k6", k6),
      "k6/http": mod("k6/http", this.http.api),
      "k6/metrics": mod("k6/metrics", metrics),
      "k6/execution": mod("k6/execution", {}, exec as unknown as Record<string, unknown>),
      "k6/timers": mod("k6/timers", this.timers.api),
    };
    const log =
      (level: LogLine["level"]) =>
      (...args: unknown[]) =>
        this.emitter.log(level, args.map(formatArg).join(" "));
    this.script = loadScript(
      this.env.realm,
      this.init.cjs,
      this.init.filename,
      {
        __ENV: this.init.env,
        vuId: () => iterationStore.getStore()?.vu.idInTest ?? 0,
        iteration: () => Math.max(0, (iterationStore.getStore()?.vu.iterationInInstance ?? 1) - 1),
        console: {
          log: log("info"),
          info: log("info"),
          warn: log("warning"),
          error: log("error"),
          debug: () => {},
        },
        timers: this.timers.api,
        open: (path, mode) => {
          if (!this.initPhase) throw new Error("open() is only available in the init context");
          return env.readFile(String(path), mode === "b");
        },
      },
      modules,
    );
    seedRandom = this.script.seedRandom;
    this.initPhase = false;
    return Object.keys(this.script.exports);
  }

  /** A value the script exported (the coordinator reads `options` this way). */
  exported(name: string): unknown {
    return this.script.exports[name];
  }

  /** Metrics the init code declared. */
  declaredMetrics(): Array<{ name: string; type: string }> {
    return this.emitter.take().metrics.map(([, d]) => ({ name: d.name, type: d.type }));
  }

  private fatal(e: Error): void {
    if (this.fatalSent) return;
    this.fatalSent = true;
    this.send({ type: "fatal", message: e.message });
  }

  private iterationError(e: unknown, ctx: IterationContext | undefined): void {
    if (e instanceof InterruptedError || ctx?.interrupted) return;
    if (e instanceof UnsupportedApiError || e instanceof RefusedHostError) {
      this.fatal(e);
      return;
    }
    if (e instanceof TestAbortError) return;
    this.iterationErrors++;
    if (this.loggedErrors >= maxLoggedErrors) return;
    this.loggedErrors++;
    const err = e instanceof Error ? e : new Error(String(e));
    const where = ctx
      ? ` (VU ${ctx.vu.idInTest}, ${ctx.phase === "iteration" ? `scenario ${ctx.scenario.name}` : ctx.phase})`
      : "";
    const more =
      this.loggedErrors === maxLoggedErrors ? "; further script errors are counted, not logged" : "";
    this.emitter.log("error", `${err.stack ?? err.message}${where}${more}`);
  }

  private specialVu(): Vu {
    return {
      idInTest: 0,
      idInInstance: 0,
      iterationInInstance: 0,
      iterationInScenario: 0,
      conns: new VuConnections(this.httpSettings),
      tags: {},
      tagsVersion: 0,
      responseCallback: this.http.defaultForNewVus.value,
      busy: false,
      current: null,
    };
  }

  /** Runs setup() or teardown() as VU 0, with a time limit. */
  private async special(
    phase: "setup" | "teardown",
    fnName: string,
    data: unknown,
    timeoutMs: number,
  ): Promise<unknown> {
    const fn = this.script.exports[fnName];
    if (typeof fn !== "function") return undefined;
    const vu = this.specialVu();
    const scenario: ScenarioInfo = {
      name: "",
      executor: "",
      startTimeMs: Date.now(),
      tags: {},
      env: {},
      progress: () => 0,
    };
    const ctx: IterationContext = {
      vu,
      scenario,
      iterationInTest: 0,
      iterationInInstance: 0,
      group: "",
      pending: 0,
      settled: false,
      interrupted: false,
      bytesSent: 0,
      bytesReceived: 0,
      onIdle: null,
      phase,
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        (async () => {
          const result = await iterationStore.run(ctx, fn as (d: unknown) => unknown, data);
          if (ctx.pending > 0) await new Promise<void>((r) => (ctx.onIdle = r));
          return result;
        })(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${phase}() did not finish within ${timeoutMs} ms (${phase}Timeout)`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      ctx.interrupted = true;
      vu.conns.closeAll();
    }
  }

  /**
   * Sends `requests` requests (8 at a time, for at most `withinMs`) through the whole request path to the
   * engine's own loopback warm-up server, then drops every sample they made: V8 compiles the hot paths
   * before t0 instead of during the first second of load.
   */
  async warmUp(url: string, requests: number, withinMs: number): Promise<FromWorker> {
    const started = performance.now();
    const vu = this.specialVu();
    const scenario: ScenarioInfo = {
      name: "",
      executor: "",
      startTimeMs: 0,
      tags: {},
      env: {},
      progress: () => 0,
    };
    let sent = 0;
    this.warming = true;
    const lane = async () => {
      while (sent < requests && performance.now() - started < withinMs) {
        sent++;
        const ctx: IterationContext = {
          vu,
          scenario,
          iterationInTest: 0,
          iterationInInstance: 0,
          group: "",
          pending: 0,
          settled: false,
          interrupted: false,
          bytesSent: 0,
          bytesReceived: 0,
          onIdle: null,
          phase: "iteration",
        };
        await iterationStore.run(ctx, () =>
          this.http.api.asyncRequest("GET", url, null, { tags: { warm: "up" } }),
        );
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, lane));
    } finally {
      vu.conns.closeAll();
      this.emitter.discardSamples();
      this.warming = false;
    }
    return { type: "warm-up-done", requests: sent, ms: performance.now() - started };
  }

  async setup(): Promise<FromWorker> {
    try {
      const result = await this.special("setup", "setup", undefined, this.init.options.setupTimeoutMs);
      this.flush();
      return { type: "setup-done", json: result === undefined ? undefined : JSON.stringify(result) };
    } catch (e) {
      this.flush();
      return { type: "setup-done", json: undefined, error: (e as Error).message };
    }
  }

  async teardown(setupJson: string | undefined): Promise<FromWorker> {
    try {
      await this.special(
        "teardown",
        "teardown",
        setupJson === undefined ? undefined : JSON.parse(setupJson),
        this.init.options.teardownTimeoutMs,
      );
      this.flush();
      return { type: "teardown-done" };
    } catch (e) {
      this.flush();
      return { type: "teardown-done", error: (e as Error).message };
    }
  }

  /** Releases this worker's share of every scenario at t0; reports `done` when all of them ended. */
  start(t0Mono: number, t0Epoch: number, setupJson: string | undefined): void {
    this.t0Epoch = t0Epoch;
    const o = this.init.options;
    const processMap = new SegmentMap(o.segmentation.sequence, o.segmentation.segment);
    const segment = segmentIndex(o.segmentation);
    let vuBase = 0;
    let instanceVuBase = 0;
    this.executors = o.scenarios.map((cfg, index) => {
      const fn = this.script.exports[cfg.exec] as (d: unknown) => unknown;
      const ex = createExecutor(
        cfg,
        {
          env: this.env,
          index,
          fn,
          setupJson,
          vuBase,
          instanceVuBase,
          http: this.httpSettings,
          noVUConnectionReuse: o.noVUConnectionReuse,
          counters: this.counters,
          onIterationError: (e, ctx) => this.iterationError(e, ctx),
          defaultResponseCallback: () => this.http.defaultForNewVus.value,
          clearTimers: (ctx) => this.timers.clearFor(ctx),
        },
        {
          worker: this.init.worker,
          workers: this.init.workers,
          processMap,
          segment,
          counters: this.counters,
        },
      );
      vuBase += cfg.maxVUs;
      instanceVuBase += processMap.countBelow(cfg.maxVUs);
      return ex;
    });
    this.flushTimer = setInterval(() => this.flush(), this.init.flushEveryMs);
    const release = () => {
      this.startOffsetMs = monoNow() - t0Mono;
      for (const ex of this.executors) ex.start(t0Mono);
      void Promise.all(this.executors.map((e) => e.done)).then(() => {
        this.flush();
        this.send({ type: "done" });
      });
    };
    const wait = t0Mono - monoNow();
    if (wait > 2) setTimeout(release, wait - 1);
    else release();
  }

  stop(hard: boolean): void {
    for (const ex of this.executors) ex.stop(hard);
  }

  state(): WorkerState {
    return {
      scenarios: this.executors.map((e) => e.run.state()),
      iterationErrors: this.iterationErrors,
      startOffsetMs: this.startOffsetMs,
    };
  }

  flush(): void {
    if (this.warming) {
      this.emitter.discardSamples();
      return;
    }
    const batch = this.emitter.take();
    this.send(
      {
        type: "batch",
        worker: this.init.worker,
        samples: batch.samples,
        metrics: batch.metrics,
        tags: batch.tags,
        tagsReset: batch.tagsReset,
        logs: batch.logs,
        state: this.state(),
        watermark: this.emitter.now(),
      },
      [batch.samples.buffer as ArrayBuffer],
    );
  }

  async handle(m: ToWorker): Promise<void> {
    switch (m.type) {
      case "setup":
        this.send(await this.setup());
        return;
      case "warm-up":
        this.send(await this.warmUp(m.url, m.requests, m.withinMs));
        return;
      case "start":
        this.start(m.t0Mono, m.t0Epoch, m.setupJson);
        return;
      case "stop":
        this.stop(m.hard);
        return;
      case "teardown":
        this.send(await this.teardown(m.setupJson));
        return;
      case "exit":
        if (this.flushTimer) clearInterval(this.flushTimer);
        this.flush();
        return;
    }
  }
}
