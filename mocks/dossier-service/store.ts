import type { Dossier, SubmitDossierRequest } from "../../contract/dossier.js";
import { isLegalTransition } from "../../contract/dossier.js";

/** yyMMdd of an instant on the portal's clock, Asia/Ho_Chi_Minh (UTC+7, no DST). */
export const portalDate = (at: Date): string => {
  const local = new Date(at.getTime() + 7 * 3600_000);
  const yy = String(local.getUTCFullYear() % 100).padStart(2, "0");
  const mm = String(local.getUTCMonth() + 1).padStart(2, "0");
  const dd = String(local.getUTCDate()).padStart(2, "0");
  return `${yy}${mm}${dd}`;
};

export const maxDailyPerAgency = 9999;

/**
 * A change to the store, in the order the primary made it. Replication ships these; applying one twice is
 * harmless (full dossier state, counters only move up), so a batch can be resent after a lost reply.
 */
export type StoreOp =
  | { seq: number; kind: "create"; dossier: Dossier; counterKey: string; n: number }
  | { seq: number; kind: "update"; dossier: Dossier }
  | { seq: number; kind: "delivered"; messageIds: string[] };

/** A store op before the store assigns its sequence number (a distributive Omit keeps the union). */
export type NewStoreOp = StoreOp extends infer O ? (O extends StoreOp ? Omit<O, "seq"> : never) : never;

export type SubmitResult =
  | { kind: "created"; dossier: Dossier; op: StoreOp }
  | { kind: "existing"; dossier: Dossier }
  | { kind: "agency-limit"; agencyCode: string; date: string };

export type ChangeResult =
  | { kind: "ok"; dossier: Dossier; op: StoreOp }
  | { kind: "not-found" }
  | { kind: "illegal"; from: number; to: number };

/** A whole store at one sequence number: what a node rebuilt as a follower starts from. */
export interface StoreSnapshot {
  seq: number;
  floor: number;
  counters: Array<[string, number]>;
  dossiers: Dossier[];
}

/**
 * In-memory dossiers with a per-agency daily counter and an idempotency index.
 *
 * Codes never repeat across failover (gap scheme): the primary never holds more than `codeGap` allocated but
 * unreplicated numbers per counter (the service refuses new ones until replication catches up), so whatever
 * the primary handed out that the standby never heard of lies within `codeGap` above the standby's highest
 * replicated number. On promotion the standby therefore moves every counter, including ones it has never
 * seen, `codeGap` forward. A failover costs at most `codeGap` numbers per agency and day (visible as a gap),
 * and a new epoch can never reissue a code the old primary handed out, even one that reached the national
 * portal through the old primary's outbox just before the cut.
 */
export class DossierStore {
  private readonly byCode = new Map<string, Dossier>();
  private readonly byKey = new Map<string, string[]>();
  private readonly counters = new Map<string, number>();
  /** Counter start for agencies and days this node has no number for (raised by each promotion). */
  private floor = 0;
  private seq = 0;

  constructor(
    private readonly now: () => Date,
    private readonly honourIdempotency = true,
  ) {}

  private nextOp(op: NewStoreOp): StoreOp {
    this.seq++;
    return { ...op, seq: this.seq } as StoreOp;
  }

  /** The counter key (`{agency}-{yyMMdd}`) a submission would use now. */
  counterKeyFor(agencyCode: string): string {
    return `${agencyCode}-${portalDate(this.now())}`;
  }

  findByKey(idempotencyKey: string): Dossier | undefined {
    const code = this.byKey.get(idempotencyKey)?.[0];
    return code === undefined ? undefined : this.byCode.get(code);
  }

  submit(request: SubmitDossierRequest, idempotencyKey: string): SubmitResult {
    if (this.honourIdempotency) {
      const existing = this.findByKey(idempotencyKey);
      if (existing) return { kind: "existing", dossier: existing };
    }
    const at = this.now();
    const date = portalDate(at);
    const counterKey = `${request.agencyCode}-${date}`;
    const n = (this.counters.get(counterKey) ?? this.floor) + 1;
    if (n > maxDailyPerAgency) return { kind: "agency-limit", agencyCode: request.agencyCode, date };
    const iso = at.toISOString();
    const dossier: Dossier = {
      code: `${counterKey}-${String(n).padStart(4, "0")}`,
      procedureCode: request.procedureCode,
      agencyCode: request.agencyCode,
      idempotencyKey,
      status: 1,
      receivedAt: iso,
      history: [{ status: 1, at: iso }],
      applicant: request.applicant,
      attachments: request.attachments,
      fees: request.fees,
      payments: [],
    };
    const op = this.nextOp({ kind: "create", dossier, counterKey, n });
    this.apply(op);
    return { kind: "created", dossier, op };
  }

  transition(code: string, toStatus: number, by: string, note?: string): ChangeResult {
    const current = this.byCode.get(code);
    if (!current) return { kind: "not-found" };
    if (!isLegalTransition(current.status, toStatus))
      return { kind: "illegal", from: current.status, to: toStatus };
    const at = this.now().toISOString();
    const dossier: Dossier = {
      ...current,
      status: toStatus,
      history: [...current.history, { status: toStatus, at, by, ...(note === undefined ? {} : { note }) }],
    };
    const op = this.nextOp({ kind: "update", dossier });
    this.apply(op);
    return { kind: "ok", dossier, op };
  }

  /** A payment result; a paid dossier waiting for payment (6) goes back to processing (4). */
  recordPayment(
    code: string,
    payment: { paymentId: string; amountVnd: number; result: "paid" | "failed" },
  ): ChangeResult {
    const current = this.byCode.get(code);
    if (!current) return { kind: "not-found" };
    if (current.payments?.some((p) => p.paymentId === payment.paymentId)) {
      return { kind: "ok", dossier: current, op: this.nextOp({ kind: "update", dossier: current }) };
    }
    const at = this.now().toISOString();
    const resume = payment.result === "paid" && current.status === 6;
    const dossier: Dossier = {
      ...current,
      payments: [...(current.payments ?? []), { ...payment, at }],
      ...(resume
        ? {
            status: 4,
            history: [...current.history, { status: 4, at, by: "payment", note: payment.paymentId }],
          }
        : {}),
    };
    const op = this.nextOp({ kind: "update", dossier });
    this.apply(op);
    return { kind: "ok", dossier, op };
  }

  markDelivered(messageIds: string[]): StoreOp {
    return this.nextOp({ kind: "delivered", messageIds });
  }

  /** Applies an op made here or replicated from the primary. */
  apply(op: StoreOp): void {
    if (op.seq > this.seq) this.seq = op.seq;
    if (op.kind === "create") {
      const { dossier } = op;
      if (!this.byCode.has(dossier.code)) {
        const codes = this.byKey.get(dossier.idempotencyKey) ?? [];
        this.byKey.set(dossier.idempotencyKey, [...codes, dossier.code]);
      }
      this.byCode.set(dossier.code, dossier);
      this.counters.set(op.counterKey, Math.max(this.counters.get(op.counterKey) ?? 0, op.n));
    } else if (op.kind === "update") {
      this.byCode.set(op.dossier.code, op.dossier);
    }
  }

  /** Promotion to primary: move every counter `gap` forward (see the class comment for why). */
  promote(gap: number): void {
    for (const [key, n] of this.counters) this.counters.set(key, n + gap);
    this.floor += gap;
  }

  snapshot(): StoreSnapshot {
    return {
      seq: this.seq,
      floor: this.floor,
      counters: [...this.counters],
      dossiers: [...this.byCode.values()],
    };
  }

  /** Replaces everything this store held with a snapshot (a node rebuilt from the acting primary). */
  install(s: StoreSnapshot): void {
    this.byCode.clear();
    this.byKey.clear();
    this.counters.clear();
    for (const d of s.dossiers) {
      this.byCode.set(d.code, d);
      this.byKey.set(d.idempotencyKey, [...(this.byKey.get(d.idempotencyKey) ?? []), d.code]);
    }
    for (const [key, n] of s.counters) this.counters.set(key, n);
    this.floor = s.floor;
    this.seq = s.seq;
  }

  get(code: string): Dossier | undefined {
    return this.byCode.get(code);
  }

  byIdempotencyKey(key: string): Dossier[] {
    return (this.byKey.get(key) ?? []).flatMap((c) => {
      const d = this.byCode.get(c);
      return d ? [d] : [];
    });
  }

  get size(): number {
    return this.byCode.size;
  }

  get lastSeq(): number {
    return this.seq;
  }
}
