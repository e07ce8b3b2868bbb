import { sleep } from "../../kernel/sleep.js";
/**
 * A part's finite capacity: `workers` requests are served at once, each holding its worker for
 * `serviceTimeMs`, so throughput is at most workers / serviceTime. Requests beyond that wait in the part's
 * own FIFO queue; bounding that queue is the gateway's job, which is where load shedding belongs.
 */
export interface CapacitySpec {
  workers: number;
  serviceTimeMs: number;
}

export interface PoolStats {
  busy: number;
  queued: number;
  peakQueued: number;
  completed: number;
}

export class WorkerPool {
  private busy = 0;
  private readonly waiters: Array<() => void> = [];
  readonly stats: PoolStats = { busy: 0, queued: 0, peakQueued: 0, completed: 0 };

  constructor(readonly spec: CapacitySpec) {
    if (!(spec.workers >= 1)) throw new Error("capacity: workers must be at least 1");
    if (!(spec.serviceTimeMs >= 0)) throw new Error("capacity: serviceTimeMs must be 0 or more");
  }

  /** Requests per second this pool can serve at most (Infinity with no service time). */
  get throughputPerS(): number {
    return this.spec.serviceTimeMs > 0 ? (this.spec.workers * 1000) / this.spec.serviceTimeMs : Infinity;
  }

  async run<T>(work: () => T | Promise<T>, serviceTimeMs = this.spec.serviceTimeMs): Promise<T> {
    if (this.busy >= this.spec.workers) {
      await new Promise<void>((r) => {
        this.waiters.push(r);
        this.stats.queued = this.waiters.length;
        if (this.waiters.length > this.stats.peakQueued) this.stats.peakQueued = this.waiters.length;
      });
    }
    this.busy++;
    this.stats.busy = this.busy;
    try {
      if (serviceTimeMs > 0) await sleep(serviceTimeMs);
      return await work();
    } finally {
      this.busy--;
      this.stats.completed++;
      const next = this.waiters.shift();
      this.stats.queued = this.waiters.length;
      this.stats.busy = this.busy;
      if (next) next();
    }
  }
}
