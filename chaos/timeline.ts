import { sleep } from "../kernel/sleep.js";
import type { ChaosEvent } from "./events.js";
import type { FaultContext, FaultStep } from "./faults/fault.js";
import { faultKind } from "./faults/index.js";
import type { FaultEntry, FaultPlan } from "./plan.js";
import type { ToxiproxyClient } from "./toxiproxy-client.js";

export interface TimelineOptions {
  client: ToxiproxyClient;
  plan: FaultPlan;
  proxyFor: (link: string) => string;
  /** performance.now() at t0, the moment the load was resumed. */
  t0: number;
  onEvent: (event: ChaosEvent) => void;
}

interface FaultRun {
  fault: FaultEntry;
  ctx: FaultContext;
  /** The fault's steps run one after another: a slow admin call delays the next step, never overtakes it. */
  chain: Promise<void>;
  applied: boolean;
  removed: boolean;
}

/**
 * Schedules every step of every fault of a plan relative to t0 and records each as an event. `stop()` cancels
 * what has not run and removes what is in force.
 */
export class Timeline {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly runs: FaultRun[] = [];
  private stopped = false;

  constructor(private readonly options: TimelineOptions) {}

  start(): void {
    for (const fault of this.options.plan.faults) {
      const run: FaultRun = {
        fault,
        ctx: {
          client: this.options.client,
          proxy: this.options.proxyFor(fault.link),
          toxicName: `ph-${fault.id}`,
        },
        chain: Promise.resolve(),
        applied: false,
        removed: false,
      };
      this.runs.push(run);
      const startMs = fault.startS * 1000;
      for (const step of faultKind(fault.kind).steps(fault.params, fault.durationS * 1000))
        this.at(startMs + step.atMs, () => this.enqueue(run, step, startMs + step.atMs));
    }
  }

  private now(): number {
    return performance.now() - this.options.t0;
  }

  private at(plannedMs: number, action: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (!this.stopped) action();
      },
      Math.max(0, plannedMs - this.now()),
    );
    this.timers.add(timer);
  }

  private enqueue(run: FaultRun, step: FaultStep, plannedMs: number): void {
    run.chain = run.chain.then(async () => {
      if (this.stopped || run.removed) return;
      if (step.phase === "remove") run.removed = true;
      else run.applied = true;
      await this.record(run, step.phase, step.label, plannedMs, () => step.run(run.ctx));
    });
  }

  private async record(
    run: FaultRun,
    phase: ChaosEvent["phase"],
    label: string,
    plannedMs: number,
    call: () => Promise<unknown>,
  ): Promise<void> {
    const requestedMs = this.now();
    let outcome: ChaosEvent["outcome"] = "ok";
    let error: string | undefined;
    try {
      if ((await call()) === "recreated") outcome = "recreated";
    } catch (e) {
      outcome = "error";
      error = (e as Error).message;
    }
    this.options.onEvent({
      faultId: run.fault.id,
      kind: run.fault.kind,
      link: run.fault.link,
      phase,
      step: label,
      outcome,
      plannedMs: round(plannedMs),
      requestedMs: round(requestedMs),
      appliedMs: round(this.now()),
      ...(error === undefined ? {} : { error }),
    });
  }

  /** Cancels steps that have not run and removes every fault in force, recording each removal. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled(
      this.runs.map(async (run) => {
        await run.chain;
        if (!run.applied || run.removed) return;
        run.removed = true;
        const kind = faultKind(run.fault.kind);
        await this.record(run, "remove", "removed at stop", this.now(), () =>
          kind.remove(run.ctx, run.fault.params),
        );
      }),
    );
  }

  /** Resolves when every scheduled step has run. */
  async done(): Promise<void> {
    while (this.timers.size > 0) await sleep(20);
    await Promise.allSettled(this.runs.map((r) => r.chain));
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
