/**
 * Bounded admission: at most `maxInFlight` requests run, at most `maxQueue` wait, and none waits longer than
 * `maxQueueWaitMs`; the rest are shed at once (the caller answers 503 with Retry-After), so a client learns
 * within milliseconds that it must back off instead of waiting seconds in a queue. `maxQueue = Infinity` and
 * no wait deadline is the unbounded-queue defect: nothing is shed and latency grows for as long as overload
 * lasts.
 */
export interface AdmissionStats {
  inFlight: number;
  queued: number;
  peakQueued: number;
  shed: number;
  shedQueueFull: number;
  shedDeadline: number;
  admitted: number;
}

export interface AdmissionOptions {
  maxInFlight: number;
  maxQueue: number;
  /** Longest a request may wait for a slot; null = no deadline. */
  maxQueueWaitMs: number | null;
}

export type Release = () => void;

interface Waiter {
  grant: (release: Release | null) => void;
  timer: NodeJS.Timeout | null;
}

export class Admission {
  private inFlight = 0;
  private readonly waiters: Waiter[] = [];
  readonly stats: AdmissionStats = {
    inFlight: 0,
    queued: 0,
    peakQueued: 0,
    shed: 0,
    shedQueueFull: 0,
    shedDeadline: 0,
    admitted: 0,
  };
  private readonly o: AdmissionOptions;

  constructor(options: AdmissionOptions);
  constructor(maxInFlight: number, maxQueue: number, maxQueueWaitMs?: number | null);
  constructor(a: AdmissionOptions | number, maxQueue?: number, maxQueueWaitMs: number | null = null) {
    this.o = typeof a === "number" ? { maxInFlight: a, maxQueue: maxQueue ?? 0, maxQueueWaitMs } : a;
  }

  get options(): Readonly<AdmissionOptions> {
    return this.o;
  }

  /** Resolves to a release function, or to null when the request must be shed. */
  acquire(): Promise<Release | null> {
    if (this.inFlight < this.o.maxInFlight && this.waiters.length === 0) return Promise.resolve(this.grant());
    if (this.waiters.length >= this.o.maxQueue) {
      this.stats.shed++;
      this.stats.shedQueueFull++;
      return Promise.resolve(null);
    }
    return new Promise((resolvePromise) => {
      const waiter: Waiter = { grant: resolvePromise, timer: null };
      if (this.o.maxQueueWaitMs !== null)
        waiter.timer = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i < 0) return;
          this.waiters.splice(i, 1);
          this.stats.queued = this.waiters.length;
          this.stats.shed++;
          this.stats.shedDeadline++;
          resolvePromise(null);
        }, this.o.maxQueueWaitMs);
      this.waiters.push(waiter);
      this.stats.queued = this.waiters.length;
      if (this.waiters.length > this.stats.peakQueued) this.stats.peakQueued = this.waiters.length;
    });
  }

  private grant(): Release {
    this.inFlight++;
    this.stats.inFlight = this.inFlight;
    this.stats.admitted++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.stats.inFlight = this.inFlight;
      const next = this.waiters.shift();
      this.stats.queued = this.waiters.length;
      if (next) {
        if (next.timer) clearTimeout(next.timer);
        next.grant(this.grant());
      }
    };
  }
}
