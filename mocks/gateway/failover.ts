import { sleep } from "../../kernel/sleep.js";
import type { Upstream, UpstreamReply } from "../lib/upstream.js";

export interface FailoverOptions {
  healthIntervalMs: number;
  healthTimeoutMs: number;
  /** Promote the standby after this long without a good health check of the primary; null = never. */
  failoverAfterMs: number | null;
}

export interface FailoverEvent {
  at: string;
  epoch: number;
  /** From the last good health check of the primary to the standby's promotion. */
  detectedAfterMs: number;
}

type Node = "primary" | "standby";

/**
 * Routes dossier traffic to the acting primary and fails over: the acting primary is health-checked through
 * its link; after `failoverAfterMs` without a good answer the other node is promoted with the next epoch
 * (which fences the one it replaces) and takes all traffic. Failback: once the standby acts as primary, the
 * old primary is checked too; when it is back it is told to rejoin (rebuilt as a follower of the acting
 * primary), and once it holds the whole store it is the node promoted if the acting primary is lost in turn.
 * The standby cannot be rebuilt the other way (it has no path to follow the primary's node), so after a
 * failback it stays out until an operator rebuilds it.
 */
export class DossierRouter {
  active: Node = "primary";
  epoch = 1;
  readonly events: FailoverEvent[] = [];
  sync: { pending: number; oldestPendingAgeMs: number } | null = null;
  /** The old primary, rebuilt as a follower of the acting standby and holding the whole store. */
  followerReady = false;
  private lastOkAt = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private promoting = false;
  retries = 0;

  constructor(
    private readonly primary: Upstream,
    private readonly standby: Upstream | null,
    private readonly o: FailoverOptions,
  ) {}

  start(): void {
    this.lastOkAt = Date.now();
    this.timer = setInterval(() => void this.check(), this.o.healthIntervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private node(which: Node): Upstream {
    return which === "standby" && this.standby ? this.standby : this.primary;
  }

  private async check(): Promise<void> {
    const target = this.active;
    void this.checkOldPrimary();
    try {
      const { status, body } = await this.node(target).json<{
        role?: string;
        epoch?: number;
        sync?: { pending: number; oldestPendingAgeMs: number } | null;
      }>("GET", "/healthz", { timeoutMs: this.o.healthTimeoutMs });
      // A restarted gateway starts at epoch 1: it learns the epoch in charge, so its next promotion is newer.
      if (body.role === "primary" && (body.epoch ?? 0) > this.epoch) this.epoch = body.epoch ?? this.epoch;
      if (status === 200 && (body.role === "primary" || target === "standby")) {
        if (target === this.active) this.lastOkAt = Date.now();
        this.sync = body.sync ?? null;
        return;
      }
    } catch {
      // counted below
    }
    if (!this.standby || this.o.failoverAfterMs === null) return;
    if (Date.now() - this.lastOkAt < this.o.failoverAfterMs) return;
    if (this.active === "primary") await this.promote("standby");
    else if (this.followerReady) await this.promote("primary");
  }

  /** While the standby acts as primary: tell the old primary, once back, to rejoin; note when it is ready. */
  private async checkOldPrimary(): Promise<void> {
    if (this.active !== "standby") return;
    try {
      const { status, body } = await this.primary.json<{
        role?: string;
        epoch?: number;
        following?: { ready: boolean } | null;
      }>("GET", "/healthz", { timeoutMs: this.o.healthTimeoutMs });
      if (status !== 200) throw new Error(`health ${status}`);
      if (body.role === "standby" && body.epoch === this.epoch) {
        this.followerReady = body.following?.ready === true;
        return;
      }
      this.followerReady = false;
      if ((body.epoch ?? 0) < this.epoch)
        await this.primary.json("POST", "/admin/rejoin", { body: { epoch: this.epoch }, timeoutMs: 2000 });
    } catch {
      this.followerReady = false;
    }
  }

  private async promote(target: Node): Promise<void> {
    if (this.promoting) return;
    this.promoting = true;
    try {
      const next = this.epoch + 1;
      const { status } = await this.node(target).json("POST", "/admin/promote", {
        body: { epoch: next },
        timeoutMs: 2000,
      });
      if (status === 200) {
        this.epoch = next;
        this.active = target;
        this.followerReady = false;
        this.events.push({
          at: new Date().toISOString(),
          epoch: next,
          detectedAfterMs: Date.now() - this.lastOkAt,
        });
        this.lastOkAt = Date.now();
      }
    } catch {
      // the other node is unreachable too; the next check tries again
    } finally {
      this.promoting = false;
    }
  }

  /** A read: the acting primary, else the other node (in sync mode the standby holds every acknowledged write). */
  async read(path: string, timeoutMs: number): Promise<UpstreamReply & { node: Node }> {
    const first = this.active;
    try {
      const r = await this.node(first).request("GET", path, { timeoutMs });
      if (!(r.status === 503 && this.standby)) return { ...r, node: first };
    } catch (e) {
      if (!this.standby) throw e;
    }
    this.retries++;
    const other: Node = first === "primary" ? "standby" : "primary";
    const r = await this.node(other).request("GET", path, { timeoutMs });
    return { ...r, node: other };
  }

  /**
   * An idempotent write: retried with backoff, on whichever node is acting primary at the time, until it
   * succeeds, is refused for good (4xx), or the budget is spent.
   */
  async write(
    path: string,
    body: unknown,
    headers: Record<string, string>,
    timeoutMs: number,
    budgetMs: number,
    maxAttempts = 8,
  ): Promise<UpstreamReply & { node: Node }> {
    const deadline = Date.now() + budgetMs;
    let backoff = 200;
    let last: (UpstreamReply & { node: Node }) | Error = new Error("no attempt made");
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const node = this.active;
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        const r = await this.node(node).request("POST", path, {
          body,
          headers,
          timeoutMs: Math.min(timeoutMs, left),
        });
        last = { ...r, node };
        if (r.status < 500) return last;
      } catch (e) {
        last = e as Error;
      }
      if (attempt + 1 >= maxAttempts || Date.now() + backoff >= deadline) break;
      this.retries++;
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 1000);
    }
    if (last instanceof Error) throw last;
    return last;
  }
}
