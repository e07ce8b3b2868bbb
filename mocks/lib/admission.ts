/**
 * Bounded admission: at most `maxInFlight` requests run, at most `maxQueue` wait; the rest are shed at once
 * (the caller answers 503 with Retry-After) so latency cannot grow without bound. `maxQueue = Infinity` is the
 * unbounded-queue defect.
 */
export interface AdmissionStats {
  inFlight: number;
  queued: number;
  peakQueued: number;
  shed: number;
  admitted: number;
}

export class Admission {
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];
  readonly stats: AdmissionStats = { inFlight: 0, queued: 0, peakQueued: 0, shed: 0, admitted: 0 };

  constructor(
    private readonly maxInFlight: number,
    private readonly maxQueue: number,
  ) {}

  /** Resolves to a release function, or to null when the request must be shed. */
  async acquire(): Promise<(() => void) | null> {
    if (this.inFlight < this.maxInFlight) return this.grant();
    if (this.waiters.length >= this.maxQueue) {
      this.stats.shed++;
      return null;
    }
    await new Promise<void>((resolvePromise) => {
      this.waiters.push(resolvePromise);
      this.stats.queued = this.waiters.length;
      this.stats.peakQueued = Math.max(this.stats.peakQueued, this.waiters.length);
    });
    return this.grant();
  }

  private grant(): () => void {
    this.inFlight++;
    this.stats.inFlight = this.inFlight;
    this.stats.admitted++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      const next = this.waiters.shift();
      this.stats.queued = this.waiters.length;
      this.stats.inFlight = this.inFlight;
      if (next) next();
    };
  }
}
