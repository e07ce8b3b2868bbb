import { monoNow } from "../clock/clock.js";
import { ArrivalClock, type RateCurve } from "../schedule/arrival-rate.js";
import type { WorkerSlice } from "../schedule/segments.js";
import { Executor } from "./executor.js";
import type { ScenarioRun } from "./scenario-run.js";

/**
 * The open model shared by constant-arrival-rate and ramping-arrival-rate: iteration n of the whole test is
 * due when the area under the rate curve reaches n, against absolute time, whatever the target does. This
 * worker starts the due iterations it owns; one that finds no idle VU (and no room under maxVUs) is dropped;
 * one the engine itself starts late still runs, and its lateness is recorded as iteration_start_lag. A VU
 * costs no init here, so a start that needs a new VU below maxVUs gets it at once rather than being dropped.
 */
const maxStartsPerTick = 256;

export class ArrivalRateExecutor extends Executor {
  private readonly clock: ArrivalClock;
  private nextIndex = -1;
  private nextAt = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly after = (vu: Parameters<ScenarioRun["release"]>[0]) => {
    this.run.release(vu);
    if (this.ending) this.checkEnd();
  };

  constructor(
    run: ScenarioRun,
    curve: RateCurve,
    private readonly slice: WorkerSlice,
    preAllocatedVUs: number,
  ) {
    super(run);
    this.clock = new ArrivalClock(curve);
    for (const vu of run.preallocate(slice.countBelow(preAllocatedVUs))) run.release(vu);
  }

  protected begin(): void {
    this.advance();
    this.tick();
  }

  /** Moves to the next due iteration this worker owns. */
  private advance(): void {
    for (;;) {
      const t = this.clock.next();
      if (t === null) {
        this.nextAt = Number.POSITIVE_INFINITY;
        return;
      }
      const i = this.clock.index - 1;
      if (this.slice.owns(i)) {
        this.nextIndex = i;
        this.nextAt = this.run.startMono + t;
        return;
      }
    }
  }

  private readonly tick = (): void => {
    this.timer = null;
    this.immediate = null;
    if (this.stopped) return;
    let started = 0;
    let now = monoNow();
    while (this.nextAt <= now) {
      const vu = this.run.acquire();
      if (vu) {
        this.run.lag(now - this.nextAt);
        this.run.run(vu, this.nextIndex, this.after);
      } else this.run.drop();
      this.advance();
      if (++started >= maxStartsPerTick) {
        this.immediate = setImmediate(this.tick);
        return;
      }
      now = monoNow();
    }
    if (this.nextAt === Number.POSITIVE_INFINITY) {
      this.scheduleEnded();
      return;
    }
    // Node's timers count whole milliseconds: a start less than 1 ms away waits for the next one (and is
    // recorded that late), rather than spinning the event loop and starving the requests in flight.
    this.timer = setTimeout(this.tick, Math.max(1, Math.floor(this.nextAt - now)));
  };

  protected halt(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
  }

  /** Iterations this worker's share of the schedule starts in all. */
  plannedStarts(): number {
    return this.slice.countBelow(this.clock.planned);
  }
}
