import type { Vu } from "../runtime/context.js";
import { Executor } from "./executor.js";
import type { ScenarioRun } from "./scenario-run.js";

/**
 * The iteration-counted executors: per-vu-iterations (each VU runs its own `iterations`) and
 * shared-iterations (VUs take the next iteration of a pool the whole instance shares, so a fast VU does more).
 * Both stop at `maxDuration`; iterations not started by then are dropped.
 */
abstract class IterationsExecutor extends Executor {
  protected readonly vus: Vu[] = [];
  private stopTimer: NodeJS.Timeout | null = null;
  private idleVus = 0;

  constructor(run: ScenarioRun) {
    super(run);
    for (let vu = run.allocate(); vu; vu = run.allocate()) this.vus.push(vu);
  }

  /** The next iteration's number in the test for this VU, or null when it has no more work. */
  protected abstract next(vu: Vu): number | null;

  /** Iterations never started (dropped at maxDuration). */
  protected abstract left(): number;

  protected begin(): void {
    const wait = this.run.endMono - this.run.startMono;
    this.stopTimer = setTimeout(() => {
      for (let n = this.left(); n > 0; n--) this.run.drop();
      this.scheduleEnded();
    }, wait);
    if (this.vus.length === 0) {
      this.allDone();
      return;
    }
    for (const vu of this.vus) this.loop(vu);
  }

  private loop(vu: Vu): void {
    if (this.stopped || this.ending) {
      this.checkEnd();
      return;
    }
    const i = this.next(vu);
    if (i === null) {
      if (++this.idleVus === this.vus.length) this.allDone();
      return;
    }
    this.run.run(vu, i, () => {
      setImmediate(() => this.loop(vu));
    });
  }

  private allDone(): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.scheduleEnded();
  }

  protected halt(): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
  }
}

export class PerVuIterationsExecutor extends IterationsExecutor {
  private readonly counts = new Map<Vu, number>();
  constructor(
    run: ScenarioRun,
    private readonly iterations: number,
    private readonly base: number,
  ) {
    super(run);
  }
  protected next(vu: Vu): number | null {
    const k = this.counts.get(vu) ?? 0;
    if (k >= this.iterations) return null;
    this.counts.set(vu, k + 1);
    return (vu.idInTest - this.base - 1) * this.iterations + k;
  }
  protected left(): number {
    let n = 0;
    for (const vu of this.vus) n += this.iterations - (this.counts.get(vu) ?? 0);
    return n;
  }
}

export class SharedIterationsExecutor extends IterationsExecutor {
  constructor(
    run: ScenarioRun,
    private readonly take: () => number | null,
  ) {
    super(run);
  }
  protected next(): number | null {
    return this.take();
  }
  /** Drains the pool: every worker drains at maxDuration, and each remaining iteration is taken once. */
  protected left(): number {
    let n = 0;
    while (this.take() !== null) n++;
    return n;
  }
}
