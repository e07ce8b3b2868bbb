import { z } from "zod";
import { asDossier } from "./dossier-view.js";
import { type Lookups, type PollOptions, pollUntilSettled } from "./lookup.js";
import type { PaymentRecord } from "./records.js";

/** Whether every payment the portal confirmed became final, and reached its dossier, within the limit. */
export const PaymentsReconciliation = z.object({
  /** Payments the portal confirmed to the load (its payment records). */
  confirmed: z.number().int(),
  paid: z.number().int(),
  failed: z.number().int(),
  /** Still pending or processing (or unknown to the portal) when the limit passed. */
  unsettled: z.number().int(),
  /** Paid, but the dossier never showed the payment as paid; null when the portal's dossiers carry no payments. */
  dossierUnpaid: z.number().int().nullable(),
  lookupErrors: z.number().int(),
  settleWithinS: z.number(),
  deadlineAt: z.string(),
  rounds: z.number().int(),
  examples: z.object({ unsettled: z.array(z.string()), dossierUnpaid: z.array(z.string()) }),
  notes: z.array(z.string()),
});
export type PaymentsReconciliation = z.infer<typeof PaymentsReconciliation>;

type State =
  | { kind: "open"; status: string }
  | { kind: "failed" | "error" | "no-payments-field" }
  | { kind: "paid"; onDossier: boolean };

/** One payment now: final or not at the portal and, once paid, whether its dossier shows it paid. */
const stateOf = async (lookups: Lookups, base: string, p: PaymentRecord): Promise<State> => {
  const r = await lookups.get(`${base}/api/v1/payments/${encodeURIComponent(p.paymentId)}`);
  if (r.kind === "error") return { kind: "error" };
  if (r.kind === "missing") return { kind: "open", status: "unknown to the portal" };
  const status = (r.body as { status?: unknown }).status;
  if (status === "failed") return { kind: "failed" };
  if (status !== "paid") return { kind: "open", status: String(status) };
  const d = await lookups.get(`${base}/api/v1/dossiers/${encodeURIComponent(p.dossierCode)}`);
  if (d.kind !== "ok") return { kind: "error" };
  const payments = asDossier(d.body)?.payments;
  if (payments === undefined) return { kind: "no-payments-field" };
  return {
    kind: "paid",
    onDossier: payments.some((x) => x.paymentId === p.paymentId && x.result === "paid"),
  };
};

const settled = (s: State): boolean =>
  s.kind === "failed" || s.kind === "no-payments-field" || (s.kind === "paid" && s.onDossier);

/**
 * Asks the portal (getPayment) about every payment it confirmed, round after round, until each is final and a
 * paid one shows on its dossier, or the deadline passes; what is left is unsettled or unpaid, named.
 */
export const reconcilePayments = async (
  records: readonly PaymentRecord[],
  lookups: Lookups,
  o: PollOptions & { baseUrl: string; settleWithinS: number; maxExamples?: number },
): Promise<PaymentsReconciliation> => {
  const base = o.baseUrl.replace(/\/$/, "");
  const last = new Map<string, State>();
  const { rounds } = await pollUntilSettled(
    records,
    async (p) => {
      const s = await stateOf(lookups, base, p);
      last.set(p.paymentId, s);
      return settled(s);
    },
    o,
  );
  const maxExamples = o.maxExamples ?? 10;
  const unsettled: string[] = [];
  const unpaid: string[] = [];
  let paid = 0;
  let failed = 0;
  let errors = 0;
  let noField = 0;
  for (const p of records) {
    const s = last.get(p.paymentId);
    if (s?.kind === "open") unsettled.push(`${p.paymentId} for ${p.dossierCode} (${s.status})`);
    else if (s?.kind === "failed") failed++;
    else if (s?.kind === "error") errors++;
    else if (s?.kind === "no-payments-field") {
      paid++;
      noField++;
    } else if (s?.kind === "paid") {
      paid++;
      if (!s.onDossier) unpaid.push(`${p.dossierCode} (payment ${p.paymentId})`);
    }
  }
  const notes: string[] = [];
  if (noField > 0)
    notes.push(
      `${noField} paid payments' dossiers carry no payments list, so the paid status cannot be checked`,
    );
  if (errors > 0) notes.push(`${errors} payments could not be looked up after retries`);
  return {
    confirmed: records.length,
    paid,
    failed,
    unsettled: unsettled.length,
    dossierUnpaid: noField > 0 && noField === paid ? null : unpaid.length,
    lookupErrors: errors,
    settleWithinS: o.settleWithinS,
    deadlineAt: new Date(o.deadline).toISOString(),
    rounds,
    examples: { unsettled: unsettled.slice(0, maxExamples), dossierUnpaid: unpaid.slice(0, maxExamples) },
    notes,
  };
};
