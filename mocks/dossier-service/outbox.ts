import type { Dossier } from "../../contract/dossier.js";
import type { SyncStatus } from "../../contract/sync.js";
import { nationalErrorCodes } from "../../contract/sync.js";
import type { Upstream } from "../lib/upstream.js";
import type { StoreOp } from "./store.js";

/** yyyyMMddHHmmss on the portal's clock (Asia/Ho_Chi_Minh, UTC+7, no DST). */
export const syncTimestamp = (iso: string): string => {
  const local = new Date(new Date(iso).getTime() + 7 * 3600_000);
  return local.toISOString().replace(/[-:T]/g, "").slice(0, 14);
};

interface Entry {
  messageId: string;
  code: string;
  path: "/DongBoHoSoMC" | "/CapNhatTienDoHoSoMC";
  body: Record<string, unknown>;
  createdAtMs: number;
}

/** The national messages a store op implies; derived, so primary and standby build the same outbox. */
export const messagesFor = (op: StoreOp, nowMs: number): Entry[] => {
  if (op.kind === "create") {
    const d = op.dossier;
    const due = new Date(new Date(d.receivedAt).getTime() + 5 * 86_400_000).toISOString();
    return [
      {
        messageId: `${d.code}#1`,
        code: d.code,
        path: "/DongBoHoSoMC",
        createdAtMs: nowMs,
        body: {
          HoSo: {
            MaHoSo: d.code,
            MaTTHC: d.procedureCode,
            MaDinhDanh: d.agencyCode,
            ChuHoSo: d.applicant?.fullName ?? "",
            NgayTiepNhan: syncTimestamp(d.receivedAt),
            NgayHenTra: syncTimestamp(due),
            TrangThaiHoSo: d.status,
            TaiLieuNop: d.attachments ?? [],
            DanhSachLePhi: d.fees ?? [],
          },
        },
      },
    ];
  }
  if (op.kind === "update") {
    const d: Dossier = op.dossier;
    const last = d.history.at(-1);
    if (!last || d.history.length < 2) return [];
    return [
      {
        messageId: `${d.code}#${d.history.length}`,
        code: d.code,
        path: "/CapNhatTienDoHoSoMC",
        createdAtMs: nowMs,
        body: { MaHoSo: d.code, TrangThaiHoSo: last.status, ThoiGian: syncTimestamp(last.at) },
      },
    ];
  }
  return [];
};

export interface OutboxOptions {
  national: Upstream;
  credentials: { username: string; password: string };
  /** Read error_code; false is the silent-sync-stall defect (any HTTP 200 counts as delivered). */
  checkErrorCode: boolean;
  /** Tells the standby which messages are delivered, so a promoted standby resends only the rest. */
  onDelivered: (messageIds: string[]) => void;
  concurrency?: number;
}

/**
 * Provincial → national sync through an outbox: every acknowledged change becomes a message with a stable
 * MessageId; messages are delivered in order per dossier, retried with backoff until the national portal
 * answers "00", and the national portal absorbs a MessageId it has seen. So an outage delays sync but loses
 * and duplicates nothing, and a failover (the standby resending what it was not told was delivered) is safe.
 */
export class Outbox {
  private readonly pending = new Map<string, Entry>();
  private readonly delivered = new Set<string>();
  private readonly inFlightCodes = new Set<string>();
  private session: string | null = null;
  private loggingIn: Promise<void> | null = null;
  private active = false;
  private stopped = false;
  private backoffMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private deliveredBatch: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  stats = { delivered: 0, failedAttempts: 0, lastDeliveredAt: null as string | null, logins: 0 };

  constructor(private readonly o: OutboxOptions) {}

  /** Messages the national portal confirmed (what a rebuilt node needs not resend). */
  deliveredIds(): string[] {
    return [...this.delivered];
  }

  /** Forgets every message (a node rebuilt from a snapshot observes them again). */
  clear(): void {
    this.pending.clear();
    this.delivered.clear();
  }

  /** Adds the messages an op implies (or, for a replicated delivery note, forgets delivered ones). */
  observe(op: StoreOp): void {
    if (op.kind === "delivered") {
      for (const id of op.messageIds) {
        this.delivered.add(id);
        this.pending.delete(id);
      }
      return;
    }
    for (const entry of messagesFor(op, Date.now()))
      if (!this.delivered.has(entry.messageId)) this.pending.set(entry.messageId, entry);
    this.pump();
  }

  /** Only the acting primary delivers. */
  setActive(active: boolean): void {
    this.active = active;
    if (active) this.pump();
  }

  status(nowMs = Date.now()): SyncStatus {
    const oldest = this.pending.values().next().value as Entry | undefined;
    return {
      pending: this.pending.size,
      oldestPendingAgeMs: oldest ? Math.max(0, nowMs - oldest.createdAtMs) : 0,
      delivered: this.stats.delivered,
      failedAttempts: this.stats.failedAttempts,
      lastDeliveredAt: this.stats.lastDeliveredAt,
    };
  }

  private login(): Promise<void> {
    if (!this.loggingIn)
      this.loggingIn = this.o.national
        .json<{ error_code: string; session?: string }>("POST", "/login", {
          body: this.o.credentials,
          timeoutMs: 3000,
        })
        .then(({ body }) => {
          if (body?.error_code === nationalErrorCodes.ok && body.session) {
            this.session = body.session;
            this.stats.logins++;
          } else throw new Error(`login refused: ${body?.error_code}`);
        })
        .finally(() => {
          this.loggingIn = null;
        });
    return this.loggingIn;
  }

  private pump(): void {
    if (!this.active || this.stopped || this.retryTimer) return;
    const limit = this.o.concurrency ?? 8;
    const blocked = new Set<string>();
    let scanned = 0;
    for (const entry of this.pending.values()) {
      if (this.inFlightCodes.size >= limit || scanned++ > 1000) break;
      // Per-dossier order: nothing for a dossier starts while an earlier message of it is pending.
      if (this.inFlightCodes.has(entry.code) || blocked.has(entry.code)) {
        blocked.add(entry.code);
        continue;
      }
      blocked.add(entry.code);
      this.inFlightCodes.add(entry.code);
      void this.deliver(entry).finally(() => {
        this.inFlightCodes.delete(entry.code);
        this.pump();
      });
    }
  }

  private async deliver(entry: Entry): Promise<void> {
    try {
      if (!this.session) await this.login();
      const { status, body } = await this.o.national.json<{ error_code?: string }>("POST", entry.path, {
        body: { session: this.session, MessageId: entry.messageId, ...entry.body },
        timeoutMs: 3000,
      });
      const ok = status === 200 && (!this.o.checkErrorCode || body?.error_code === nationalErrorCodes.ok);
      if (ok) {
        this.pending.delete(entry.messageId);
        this.delivered.add(entry.messageId);
        this.stats.delivered++;
        this.stats.lastDeliveredAt = new Date().toISOString();
        this.backoffMs = 0;
        this.noteDelivered(entry.messageId);
        return;
      }
      if (body?.error_code === nationalErrorCodes.badSession) this.session = null;
      this.failed();
    } catch {
      this.failed();
    }
  }

  private noteDelivered(messageId: string): void {
    this.deliveredBatch.push(messageId);
    if (!this.flushTimer)
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        const ids = this.deliveredBatch;
        this.deliveredBatch = [];
        if (ids.length > 0) this.o.onDelivered(ids);
      }, 100);
  }

  private failed(): void {
    this.stats.failedAttempts++;
    this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 100), 2000);
    if (!this.retryTimer && !this.stopped)
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.pump();
      }, this.backoffMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }
}
