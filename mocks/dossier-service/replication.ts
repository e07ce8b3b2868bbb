import { sleep } from "../../kernel/sleep.js";
import type { Upstream } from "../lib/upstream.js";
import type { StoreOp } from "./store.js";

/**
 * What a primary's writes wait on: the replicator that pushes to the standby, or the feed a node rebuilt as
 * a follower pulls from (`rejoin.ts`).
 */
export interface Replication {
  /** Ops the other node has not confirmed yet. */
  readonly lag: number;
  /** Queues an op; resolves once the other node has applied it. */
  enqueue(op: StoreOp): Promise<void>;
  waitFor(seq: number): Promise<void>;
  /** Re-sends what is unconfirmed now, where the replication can. */
  kick(): void;
  stop(): void;
}

/**
 * Ships the primary's store ops to the standby in order, in batches (group commit: whatever queued while a
 * batch was in flight goes in the next). Sync mode: a write is acknowledged when its op is applied on the
 * standby. Async mode: the log is shipped every `intervalMs` and writes do not wait.
 */
export interface ReplicatorOptions {
  standby: Upstream;
  mode: "sync" | "async";
  intervalMs: number;
  epoch: () => number;
  /** The standby answered that a newer epoch exists: this node must stop acting as primary. */
  onFenced: () => void;
}

interface Waiter {
  seq: number;
  resolve: () => void;
}

export class Replicator implements Replication {
  private readonly queue: StoreOp[] = [];
  private waiters: Waiter[] = [];
  private inFlight = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  /** Async mode ships, per tick, what was queued up to the tick; sync mode everything. */
  private shipUpTo = Number.POSITIVE_INFINITY;
  ackedSeq = 0;
  batchesSent = 0;
  failures = 0;
  fenced = false;

  constructor(private readonly o: ReplicatorOptions) {
    if (o.mode === "async") {
      this.shipUpTo = 0;
      this.timer = setInterval(
        () => {
          this.shipUpTo = this.queue.at(-1)?.seq ?? this.shipUpTo;
          this.pump();
        },
        Math.max(o.intervalMs, 10),
      );
    }
  }

  get lag(): number {
    return this.queue.length;
  }

  /** Queues an op; the promise resolves once the standby has applied it (sync callers wait on it). */
  enqueue(op: StoreOp): Promise<void> {
    this.queue.push(op);
    if (this.o.mode === "sync") this.pump();
    return this.waitFor(op.seq);
  }

  waitFor(seq: number): Promise<void> {
    if (seq <= this.ackedSeq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Re-sends anything still unacknowledged now (a retried write waits on this). */
  kick(): void {
    this.pump();
  }

  private pump(): void {
    if (this.inFlight || this.stopped || this.fenced) return;
    const batch = this.queue.slice(0, 500).filter((op) => op.seq <= this.shipUpTo);
    if (batch.length === 0) return;
    this.inFlight = true;
    void this.o.standby
      .json<{ appliedSeq?: number; error?: { code: string } }>("POST", "/replication/apply", {
        body: { epoch: this.o.epoch(), ops: batch },
        timeoutMs: 2000,
      })
      .then(({ status, body }) => {
        if (status === 200 && typeof body.appliedSeq === "number") {
          this.batchesSent++;
          this.ackedSeq = Math.max(this.ackedSeq, body.appliedSeq);
          while (this.queue.length > 0 && (this.queue[0]?.seq ?? 0) <= this.ackedSeq) this.queue.shift();
          const ready = this.waiters.filter((w) => w.seq <= this.ackedSeq);
          this.waiters = this.waiters.filter((w) => w.seq > this.ackedSeq);
          for (const w of ready) w.resolve();
          return true;
        }
        if (status === 409 && body.error?.code === "FENCED") {
          this.fenced = true;
          this.o.onFenced();
          return false;
        }
        this.failures++;
        return false;
      })
      .catch(() => {
        this.failures++;
        return false;
      })
      .then(async (ok) => {
        if (!ok && !this.stopped) await sleep(200);
        this.inFlight = false;
        this.pump();
      });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }
}
