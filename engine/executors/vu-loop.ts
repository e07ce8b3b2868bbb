import { monoNow } from "../clock/clock.js";
import type { Vu } from "../runtime/context.js";
import { Executor } from "./executor.js";
import type { ScenarioRun } from "./scenario-run.js";

/**
 * The closed model shared by constant-vus and ramping-vus: VU k of the scenario (0-based) loops iterations
 * while the wanted VU count is above k. When the count falls below it, the VU starts no new iteration and its
 * running one has `gracefulRampDown` to finish before it is interrupted. The wanted count is read every
 * 10 ms.
 */
interface Slot {
  index: number;
  vu: Vu;
  active: boolean;
  looping: boolean;
  rampTimer: NodeJS.Timeout | null;
}

const controlEveryMs = 10;

export abstract class VuLoopExecutor extends Executor {
  private readonly slots: Slot[] = [];
  private control: NodeJS.Timeout | null = null;

  constructor(
    run: ScenarioRun,
    private readonly nextIteration: () => number,
    private readonly rampDownMs: number,
  ) {
    super(run);
    for (let vu = run.allocate(); vu; vu = run.allocate())
      this.slots.push({ index: vu.idInTest, vu, active: false, looping: false, rampTimer: null });
  }

  /** VUs wanted at `elapsedMs` into the scenario. */
  protected abstract wanted(elapsedMs: number): number;

  /** The scenario's VU index of a slot (0-based). */
  protected abstract indexOf(vu: Vu): number;

  protected begin(): void {
    this.steer();
  }

  private readonly steer = (): void => {
    this.control = null;
    if (this.stopped) return;
    const now = monoNow();
    if (now >= this.run.endMono) {
      for (const s of this.slots) s.active = false;
      this.scheduleEnded();
      return;
    }
    const want = this.wanted(now - this.run.startMono);
    for (const s of this.slots) {
      const active = this.indexOf(s.vu) < want;
      if (active && !s.active) {
        s.active = true;
        if (s.rampTimer) clearTimeout(s.rampTimer);
        s.rampTimer = null;
        if (!s.looping) this.loop(s);
      } else if (!active && s.active) {
        s.active = false;
        if (s.vu.busy && this.rampDownMs >= 0)
          s.rampTimer = setTimeout(() => {
            s.rampTimer = null;
            if (!s.active && s.vu.busy) {
              this.run.interruptVu(s.vu);
              s.looping = false;
            }
          }, this.rampDownMs);
      }
    }
    this.control = setTimeout(this.steer, Math.max(1, Math.min(controlEveryMs, this.run.endMono - now)));
  };

  private loop(s: Slot): void {
    if (!s.active || this.stopped || this.ending) {
      s.looping = false;
      if (this.ending) this.checkEnd();
      return;
    }
    s.looping = true;
    this.run.run(s.vu, this.nextIteration(), () => {
      setImmediate(() => this.loop(s));
    });
  }

  protected halt(): void {
    if (this.control) clearTimeout(this.control);
    for (const s of this.slots) if (s.rampTimer) clearTimeout(s.rampTimer);
  }
}

export class ConstantVusExecutor extends VuLoopExecutor {
  constructor(
    run: ScenarioRun,
    nextIteration: () => number,
    private readonly vus: number,
    private readonly base: number,
  ) {
    super(run, nextIteration, -1);
  }
  protected wanted(): number {
    return this.vus;
  }
  protected indexOf(vu: Vu): number {
    return vu.idInTest - this.base - 1;
  }
}

/** The wanted VU count of ramping-vus at t: the stages' linear ramp, rounded down. */
export const rampingVusAt = (
  startVUs: number,
  stages: ReadonlyArray<{ durationMs: number; target: number }>,
  tMs: number,
): number => {
  let from = startVUs;
  let at = 0;
  for (const st of stages) {
    if (tMs < at + st.durationMs) {
      const f = st.durationMs > 0 ? (tMs - at) / st.durationMs : 1;
      return Math.floor(from + (st.target - from) * f + 1e-9);
    }
    at += st.durationMs;
    from = st.target;
  }
  return from;
};

export class RampingVusExecutor extends VuLoopExecutor {
  constructor(
    run: ScenarioRun,
    nextIteration: () => number,
    private readonly startVUs: number,
    private readonly stages: ReadonlyArray<{ durationMs: number; target: number }>,
    rampDownMs: number,
    private readonly base: number,
  ) {
    super(run, nextIteration, rampDownMs);
  }
  protected wanted(elapsedMs: number): number {
    return rampingVusAt(this.startVUs, this.stages, elapsedMs);
  }
  protected indexOf(vu: Vu): number {
    return vu.idInTest - this.base - 1;
  }
}
