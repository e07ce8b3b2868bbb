import { maXacThuc } from "../../contract/payment.js";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";
import { Upstream } from "../lib/upstream.js";

export interface PaymentOptions {
  secret: string;
  /** The portal's callback receiver, through the payment-callback link. */
  callbackUrl?: string;
  /** Retry a failed callback with backoff; false is the payment-callback-lost defect. */
  callbackRetries?: boolean;
  /** Time the bank takes before the result is known. */
  settleMs?: number;
  capacity?: CapacitySpec;
}

export interface Transaction {
  id: string;
  reference: string;
  amount: number;
  status: "initiated" | "processing" | "paid" | "failed";
  createdAt: string;
  callbackAttempts: number;
  callbackDelivered: boolean;
}

/**
 * The platform's state, made once by `buildApp()`: its transactions, the timers of the bank steps and
 * callback retries still to run (cleared on close), and its counters.
 */
export class Platform {
  readonly pool: WorkerPool;
  readonly txns = new Map<string, Transaction>();
  readonly stats = {
    initiated: 0,
    badChecksum: 0,
    callbacksDelivered: 0,
    callbacksFailed: 0,
    callbacksDropped: 0,
  };
  private readonly portal: Upstream | null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(readonly options: PaymentOptions) {
    this.pool = new WorkerPool(options.capacity ?? { workers: 16, serviceTimeMs: 5 });
    this.portal = options.callbackUrl ? new Upstream(options.callbackUrl, 3000, 8) : null;
  }

  /** Runs `run` after `ms`, unless the platform has closed by then. */
  later(ms: number, run: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) run();
    }, ms);
    this.timers.add(t);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    await this.portal?.close();
  }

  /** The signed result to the portal; retried with backoff unless this is the payment-callback-lost variant. */
  sendCallback(t: Transaction, attempt: number): void {
    if (!this.portal) return;
    t.callbackAttempts++;
    const KetQua = t.status === "paid" ? "00" : "01";
    const body = {
      MaGiaoDich: t.id,
      MaThamChieu: t.reference,
      SoTien: t.amount,
      KetQua,
      MaXacThuc: maXacThuc([t.id, t.reference, t.amount, KetQua], this.options.secret),
    };
    void this.portal
      .json<{ error_code?: string }>("POST", "/api/v1/payments/callback", { body, timeoutMs: 3000 })
      .then(({ status, body: reply }) => status === 200 && reply?.error_code === "00")
      .catch(() => false)
      .then((ok) => {
        if (ok) {
          t.callbackDelivered = true;
          this.stats.callbacksDelivered++;
          return;
        }
        this.stats.callbacksFailed++;
        // Bounded: 12 attempts over about 40 s, then the platform gives up.
        if ((this.options.callbackRetries ?? true) && attempt < 12)
          this.later(Math.min(200 * 2 ** attempt, 5000), () => this.sendCallback(t, attempt + 1));
        else this.stats.callbacksDropped++;
      });
  }
}
