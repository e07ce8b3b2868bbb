import { monoNow } from "../clock/clock.js";
import type { ScenarioRun } from "./scenario-run.js";

/**
 * What every executor does the same way: wait for its start time, decide when iterations start (the
 * subclass), and end: no new iterations after the schedule, `gracefulStop` for the running ones to finish,
 * then the rest interrupted. `stop(true)` (an abort) interrupts at once.
 */
export abstract class Executor {
  protected stopped = false;
  protected ending = false;
  private graceTimer: NodeJS.Timeout | null = null;
  private finished!: () => void;
  readonly done: Promise<void>;

  constructor(readonly run: ScenarioRun) {
    this.done = new Promise((resolvePromise) => {
      this.finished = resolvePromise;
    });
  }

  /** Starts the schedule at t0 + startTime (monotonic ms). */
  start(t0Mono: number): void {
    const cfg = this.run.config;
    this.run.startMono = t0Mono + cfg.startTimeMs;
    this.run.endMono = this.run.startMono + cfg.durationMs;
    const wait = this.run.startMono - monoNow();
    const begin = () => {
      if (this.stopped) return;
      this.run.startTimeMs = Date.now();
      this.begin();
    };
    if (wait > 0) setTimeout(begin, wait);
    else begin();
  }

  /** Starts iterations from the schedule's start on. */
  protected abstract begin(): void;

  /** Called when the subclass will start no more iterations. */
  protected scheduleEnded(): void {
    if (this.ending) return;
    this.ending = true;
    if (this.run.runningCount === 0) {
      this.finish();
      return;
    }
    const graceEnd = Math.max(this.run.endMono, monoNow()) + this.run.config.gracefulStopMs;
    this.graceTimer = setTimeout(
      () => {
        this.run.interruptAll();
        this.finish();
      },
      Math.max(0, graceEnd - monoNow()),
    );
  }

  /** After each iteration: ends the scenario once the schedule is over and nothing runs. */
  protected checkEnd(): void {
    if (this.ending && this.run.runningCount === 0) this.finish();
  }

  protected finish(): void {
    if (this.run.done) return;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.run.done = true;
    this.run.closeVus();
    this.finished();
  }

  /** Stops starting iterations; `hard` interrupts the running ones now. */
  stop(hard: boolean): void {
    this.stopped = true;
    this.halt();
    if (hard) {
      this.run.interruptAll();
      this.finish();
    } else this.scheduleEnded();
  }

  /** Cancels the subclass's own timers. */
  protected abstract halt(): void;
}
