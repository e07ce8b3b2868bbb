import type { z } from "zod";
import type { ChaosEvent } from "./events.js";
import type { FaultContext, FaultKind } from "./faults/fault.js";
import { faultKinds } from "./faults/index.js";
import type { FaultPlan } from "./plan.js";
import type { ToxiproxyClient } from "./toxiproxy-client.js";

export interface TimelineOptions {
  client: ToxiproxyClient;
  plan: FaultPlan;
  proxyFor: (link: string) => string;
  /** performance.now() at t0, the moment the load was resumed. */
  t0: number;
  onEvent: (event: ChaosEvent) => void;
}

/** Schedules every fault of a plan relative to t0; `stop()` cancels what has not run and removes what is on. */
export class Timeline {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly active = new Map<string, () => Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: TimelineOptions) {}

  start(): void {
    for (const fault of this.options.plan.faults) {
      const kind = faultKinds[fault.kind] as FaultKind<z.ZodType>;
      const ctx: FaultContext = {
        client: this.options.client,
        proxy: this.options.proxyFor(fault.link),
        toxicName: `ph-${fault.id}`,
      };
      const startMs = fault.startS * 1000;
      const endMs = (fault.startS + fault.durationS) * 1000;
      const remove = async () => {
        this.active.delete(fault.id);
        await this.step(fault, "remove", endMs, () => kind.remove(ctx, fault.params));
      };
      this.at(startMs, async () => {
        this.active.set(fault.id, remove);
        await this.step(fault, "apply", startMs, () => kind.apply(ctx, fault.params));
      });
      this.at(endMs, async () => {
        if (this.active.has(fault.id)) await remove();
      });
    }
  }

  private now(): number {
    return performance.now() - this.options.t0;
  }

  private at(plannedMs: number, action: () => Promise<void>): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (this.stopped) return;
        const p = action().finally(() => this.pending.delete(p));
        this.pending.add(p);
      },
      Math.max(0, plannedMs - this.now()),
    );
    this.timers.add(timer);
  }

  private async step(
    fault: FaultPlan["faults"][number],
    phase: "apply" | "remove",
    plannedMs: number,
    call: () => Promise<unknown>,
  ): Promise<void> {
    const requestedMs = this.now();
    let outcome: ChaosEvent["outcome"] = "ok";
    let error: string | undefined;
    try {
      const result = await call();
      if (result === "recreated") outcome = "recreated";
    } catch (e) {
      outcome = "error";
      error = (e as Error).message;
    }
    this.options.onEvent({
      faultId: fault.id,
      kind: fault.kind,
      link: fault.link,
      phase,
      outcome,
      plannedMs,
      requestedMs: round(requestedMs),
      appliedMs: round(this.now()),
      ...(error === undefined ? {} : { error }),
    });
  }

  /** Cancels pending faults and removes active ones, recording their removal. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.pending]);
    const removals = [...this.active.values()];
    await Promise.allSettled(removals.map((r) => r()));
  }

  /** Resolves when every scheduled step has run. */
  async done(): Promise<void> {
    while (this.timers.size > 0 || this.pending.size > 0) {
      await new Promise((r) => setTimeout(r, 50));
      await Promise.allSettled([...this.pending]);
    }
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
