import { monoNow } from "../clock/clock.js";
import { type HttpSettings, ns, VuConnections } from "../http/vu-connections.js";
import { builtinMetrics } from "../metrics/builtin.js";
import type { ResolvedScenario } from "../options/resolve.js";
import { type IterationContext, iterationStore, type ScenarioInfo, type Vu } from "../runtime/context.js";
import type { RuntimeEnv } from "../runtime/env.js";
import type { ExpectedStatuses } from "../runtime/modules/expected-statuses.js";
import { tagsJson } from "../runtime/samples.js";
import type { SegmentMap, WorkerSlice } from "../schedule/segments.js";
import type { SharedCounters } from "./shared-counters.js";

/**
 * One scenario inside one worker: its VUs (the worker's share of the scenario's VU ids, made on demand at a
 * few hundred bytes each, since init code runs once per worker and not per VU), and running an iteration on
 * a VU from start to its end, graceful or interrupted. The executors decide only when iterations start.
 */
export interface ScenarioDeps {
  env: RuntimeEnv;
  index: number;
  fn: (data: unknown) => unknown;
  setupJson: string | undefined;
  vuSlice: WorkerSlice;
  processMap: SegmentMap;
  /** VU ids of this scenario start after these (test-wide and instance-wide). */
  vuBase: number;
  instanceVuBase: number;
  http: HttpSettings;
  noVUConnectionReuse: boolean;
  counters: SharedCounters;
  onIterationError: (e: unknown, ctx: IterationContext) => void;
  defaultResponseCallback: () => ExpectedStatuses | null | undefined;
  clearTimers: (ctx: IterationContext) => void;
}

export interface ScenarioState {
  name: string;
  allocated: number;
  busy: number;
  started: number;
  completed: number;
  interrupted: number;
  dropped: number;
  done: boolean;
}

export class ScenarioRun implements ScenarioInfo {
  readonly name: string;
  readonly executor: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  startTimeMs = 0;
  /** Monotonic ms the scenario's schedule starts and ends at (set by the executor). */
  startMono = 0;
  endMono = 0;
  busy = 0;
  started = 0;
  completed = 0;
  interrupted = 0;
  dropped = 0;
  done = false;
  private readonly idle: Vu[] = [];
  private allocatedRanks = 0;
  private readonly maxRanks: number;
  /** Every VU this worker made for the scenario (a Set of running iterations churned the GC). */
  private readonly vus: Vu[] = [];
  private startedInInstance = 0;
  private readonly iterationTagId: number;
  private readonly droppedId: number;
  private readonly lagId: number;
  private readonly dataPerVu = new Map<number, unknown>();

  constructor(
    readonly config: ResolvedScenario,
    readonly deps: ScenarioDeps,
  ) {
    this.name = config.name;
    this.executor = config.executor;
    this.tags = { ...deps.env.testTags, ...config.tags, scenario: config.name };
    this.env = config.env;
    this.maxRanks = deps.vuSlice.countBelow(config.maxVUs);
    const emitter = deps.env.emitter;
    this.iterationTagId = emitter.tagId(tagsJson({ ...this.tags, group: "" }));
    this.droppedId = emitter.metricId(builtinMetrics.droppedIterations);
    this.lagId = emitter.metricId(builtinMetrics.iterationStartLag);
  }

  get allocated(): number {
    return this.allocatedRanks;
  }

  /** VUs this worker may hold for the scenario at most. */
  get capacity(): number {
    return this.maxRanks;
  }

  progress(): number {
    if (this.done) return 1;
    const span = this.endMono - this.startMono;
    if (span <= 0) return 0;
    return Math.min(1, Math.max(0, (monoNow() - this.startMono) / span));
  }

  /** Makes the VU of this worker's next rank, or null when the worker holds all it may. */
  allocate(): Vu | null {
    if (this.allocatedRanks >= this.maxRanks) return null;
    const index = this.deps.vuSlice.indexOfRank(this.allocatedRanks++);
    const vu: Vu = {
      idInTest: this.deps.vuBase + index + 1,
      idInInstance: this.deps.instanceVuBase + this.deps.processMap.countBelow(index) + 1,
      iterationInInstance: 0,
      iterationInScenario: 0,
      conns: new VuConnections(this.deps.http),
      tags: {},
      tagsVersion: 0,
      responseCallback: this.deps.defaultResponseCallback(),
      busy: false,
      current: null,
    };
    this.deps.counters.addInitialized(1);
    this.vus.push(vu);
    return vu;
  }

  preallocate(count: number): Vu[] {
    const out: Vu[] = [];
    for (let i = 0; i < count; i++) {
      const vu = this.allocate();
      if (!vu) break;
      out.push(vu);
    }
    return out;
  }

  /** An idle VU, a new one if the worker may hold more, or null. */
  acquire(): Vu | null {
    return this.idle.pop() ?? this.allocate();
  }

  release(vu: Vu): void {
    this.idle.push(vu);
  }

  /** dropped_iterations: a start that found no VU. */
  drop(): void {
    this.dropped++;
    const e = this.deps.env.emitter;
    e.point(this.droppedId, 1, this.iterationTagId);
  }

  /** iteration_start_lag: how late the engine started a scheduled iteration (ms). */
  lag(ms: number): void {
    const e = this.deps.env.emitter;
    e.point(this.lagId, ns(ms), this.iterationTagId);
  }

  private setupData(vu: Vu): unknown {
    const json = this.deps.setupJson;
    if (json === undefined) return undefined;
    let d = this.dataPerVu.get(vu.idInTest);
    if (d === undefined) {
      d = JSON.parse(json);
      this.dataPerVu.set(vu.idInTest, d);
    }
    return d;
  }

  /** Runs one iteration on `vu`; `after(vu, completed)` runs once it ended (not for an interrupted one). */
  run(vu: Vu, iterationInTest: number, after: (vu: Vu) => void): void {
    vu.busy = true;
    vu.iterationInInstance++;
    vu.iterationInScenario++;
    this.busy++;
    this.started++;
    this.deps.counters.addActive(1);
    const ctx: IterationContext = {
      vu,
      scenario: this,
      iterationInTest,
      iterationInInstance: this.startedInInstance++,
      group: "",
      pending: 0,
      settled: false,
      interrupted: false,
      bytesSent: 0,
      bytesReceived: 0,
      onIdle: null,
      phase: "iteration",
    };
    vu.current = ctx;
    const startedAt = performance.now();
    const finish = () => {
      if (ctx.interrupted) return;
      vu.current = null;
      const emitter = this.deps.env.emitter;
      const tagId =
        vu.tagsVersion === 0
          ? this.iterationTagId
          : emitter.tagId(tagsJson({ ...this.tags, ...vu.tags, group: "" }));
      emitter.iteration(tagId, ns(performance.now() - startedAt), ctx.bytesSent, ctx.bytesReceived);
      if (this.deps.noVUConnectionReuse) vu.conns.closeAll();
      vu.busy = false;
      this.busy--;
      this.completed++;
      this.deps.counters.addActive(-1);
      this.deps.counters.addCompleted();
      after(vu);
    };
    const settle = () => {
      ctx.settled = true;
      if (ctx.pending === 0) finish();
      else ctx.onIdle = finish;
    };
    let result: unknown;
    try {
      result = iterationStore.run(ctx, this.deps.fn, this.setupData(vu));
    } catch (e) {
      this.deps.onIterationError(e, ctx);
      settle();
      return;
    }
    if (
      result !== null &&
      typeof result === "object" &&
      typeof (result as Promise<unknown>).then === "function"
    )
      (result as Promise<unknown>).then(settle, (e: unknown) => {
        if (!ctx.interrupted) this.deps.onIterationError(e, ctx);
        settle();
      });
    else settle();
  }

  /** Interrupts one VU's running iteration (graceful ramp-down spent). */
  interruptVu(vu: Vu): void {
    if (vu.current) this.interrupt(vu.current);
  }

  private interrupt(ctx: IterationContext): void {
    if (ctx.interrupted) return;
    ctx.interrupted = true;
    ctx.vu.current = null;
    this.deps.clearTimers(ctx);
    ctx.vu.conns.closeAll();
    ctx.vu.busy = false;
    this.busy--;
    this.interrupted++;
    this.deps.counters.addActive(-1);
    this.deps.counters.addInterrupted();
  }

  /** Interrupts every running iteration (graceful stop spent, or the test was aborted). */
  interruptAll(): void {
    for (const vu of this.vus) if (vu.current) this.interrupt(vu.current);
  }

  get runningCount(): number {
    return this.busy;
  }

  /** Closes every VU's connections once the scenario is over. */
  closeVus(): void {
    for (const vu of this.idle) vu.conns.closeAll();
  }

  state(): ScenarioState {
    return {
      name: this.name,
      allocated: this.allocatedRanks,
      busy: this.busy,
      started: this.started,
      completed: this.completed,
      interrupted: this.interrupted,
      dropped: this.dropped,
      done: this.done,
    };
  }
}
