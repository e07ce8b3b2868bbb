import { existsSync, readFileSync } from "node:fs";
import { ChaosEvent } from "../../chaos/events.js";
import type { GuardedHttp } from "../../engine/net/guarded-fetch.js";
import { Lookups } from "./lookup.js";
import { reconcileNational } from "./national.js";
import { reconcilePayments } from "./payments.js";
import { type Reconciliation, reconcileDossiers } from "./reconcile.js";
import type { DossierRecord, PaymentRecord } from "./records.js";

export interface ReconcileEverythingOptions {
  /** Base URL of any portal that implements the contract's lookups. */
  baseUrl: string;
  http: GuardedHttp;
  stuckAfterS: number;
  /** Every acknowledged dossier must be at the national portal, in its latest status, within this. */
  nationalSyncWithinS: number;
  /** Every confirmed payment must be final (and a paid one on its dossier) within this. */
  paymentSettleWithinS: number;
  /** Wall-clock ms when the last fault ended (applied), or null when the run had none. */
  lastFaultEndWallMs: number | null;
  /** Hard ceiling on the whole reconciliation. */
  budgetMs?: number;
  pollEveryMs?: number;
  timeoutMs?: number;
}

/** Wall-clock ms when the last fault's last event took effect (its removal), from the chaos events file. */
export const lastFaultEndWallMs = (eventsFile: string, t0WallMs: number): number | null => {
  if (!existsSync(eventsFile)) return null;
  let last: number | null = null;
  for (const line of readFileSync(eventsFile, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const e = ChaosEvent.safeParse(JSON.parse(line));
      if (e.success && e.data.outcome !== "error" && (last === null || e.data.appliedMs > last))
        last = e.data.appliedMs;
    } catch {
      // a torn last line: the events before it still count
    }
  }
  return last === null ? null : t0WallMs + last;
};

/**
 * When a drain limit runs out: the limit after the last fault ended or after the last record it concerns,
 * whichever is later (a dossier acknowledged in the run's last second gets the whole limit too).
 */
export const drainDeadline = (
  lastFaultEndWallMs: number | null,
  recordTimes: readonly number[],
  withinS: number,
): number => {
  let from = lastFaultEndWallMs ?? Number.NEGATIVE_INFINITY;
  for (const t of recordTimes) if (t > from) from = t;
  return (Number.isFinite(from) ? from : Date.now()) + withinS * 1000;
};

/**
 * Everything the load did, looked up through the portal's contract: the dossiers (found, lost, whose,
 * duplicated, moved legally, stuck), their national sync, and the payments it confirmed. One time budget and
 * one Retry-After-honouring client for all of it.
 */
export const reconcileEverything = async (
  dossiers: readonly DossierRecord[],
  payments: readonly PaymentRecord[],
  o: ReconcileEverythingOptions,
): Promise<Pick<Reconciliation, "summary" | "national" | "payments" | "lookups">> => {
  const budgetEnd = Date.now() + (o.budgetMs ?? 300_000);
  const lookups = new Lookups(o.http, { timeoutMs: o.timeoutMs ?? 5000, deadline: budgetEnd });
  const poll = { pollEveryMs: o.pollEveryMs ?? 1000, concurrency: 16, maxPerS: 500 };
  const { summary, latest } = await reconcileDossiers(dossiers, lookups, {
    baseUrl: o.baseUrl,
    stuckAfterS: o.stuckAfterS,
  });
  const acked = dossiers.filter((d) => d.kind === "acknowledged").map((d) => d.at);
  const national = await reconcileNational(latest, lookups, {
    ...poll,
    baseUrl: o.baseUrl,
    drainWithinS: o.nationalSyncWithinS,
    deadline: Math.min(budgetEnd, drainDeadline(o.lastFaultEndWallMs, acked, o.nationalSyncWithinS)),
  });
  const paid = await reconcilePayments(payments, lookups, {
    ...poll,
    baseUrl: o.baseUrl,
    settleWithinS: o.paymentSettleWithinS,
    deadline: Math.min(
      budgetEnd,
      drainDeadline(
        o.lastFaultEndWallMs,
        payments.map((p) => p.at),
        o.paymentSettleWithinS,
      ),
    ),
  });
  return { summary, national, payments: paid, lookups: { ...lookups.stats } };
};
