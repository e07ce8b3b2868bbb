/**
 * Request timeouts without a timer per request: pending requests sit in an intrusive list that one timer
 * scans every `resolutionMs` while the list is not empty, so a request times out between 0 and
 * `resolutionMs` after its timeout. Measured: a Node timer per request cost more than the rest of the
 * request's bookkeeping, and a Set of pending requests (an add and a delete per request) made half of each
 * young generation survive, tripling the GC pauses that delay iteration starts. Linking costs no allocation.
 */
export interface Deadline {
  /** performance.now() when it fires. */
  deadlineAt: number;
  prevDeadline: Deadline | null;
  nextDeadline: Deadline | null;
  onDeadline(): void;
}

export class Deadlines {
  private head: Deadline | null = null;
  private count = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly resolutionMs = 100) {}

  add(d: Deadline): void {
    d.prevDeadline = null;
    d.nextDeadline = this.head;
    if (this.head) this.head.prevDeadline = d;
    this.head = d;
    this.count++;
    if (!this.timer) {
      this.timer = setInterval(this.scan, this.resolutionMs);
      this.timer.unref();
    }
  }

  remove(d: Deadline): void {
    if (d.prevDeadline) d.prevDeadline.nextDeadline = d.nextDeadline;
    else if (this.head === d) this.head = d.nextDeadline;
    else return;
    if (d.nextDeadline) d.nextDeadline.prevDeadline = d.prevDeadline;
    d.prevDeadline = null;
    d.nextDeadline = null;
    this.count--;
  }

  get size(): number {
    return this.count;
  }

  private readonly scan = (): void => {
    const now = performance.now();
    for (let d = this.head; d !== null; ) {
      const next = d.nextDeadline;
      if (d.deadlineAt <= now) {
        this.remove(d);
        d.onDeadline();
      }
      d = next;
    }
    if (this.count === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  };
}
