import type { HistoryEntry } from "./transitions.js";

/** The few fields of a dossier the reconciler reads (any conforming portal's answer, read defensively). */
export interface LookedUpDossier {
  code: string;
  idempotencyKey?: string;
  status?: number;
  history?: HistoryEntry[];
  /** Payment results the dossier shows (absent when the portal's dossier does not carry them). */
  payments?: Array<{ paymentId: string; result: string }>;
}

const paymentsOf = (raw: unknown): LookedUpDossier["payments"] =>
  Array.isArray(raw)
    ? (raw as unknown[]).flatMap((p) => {
        const e = p as { paymentId?: unknown; result?: unknown };
        return typeof e?.paymentId === "string" && typeof e.result === "string"
          ? [{ paymentId: e.paymentId, result: e.result }]
          : [];
      })
    : undefined;

export const asDossier = (body: unknown): LookedUpDossier | null => {
  if (typeof body !== "object" || body === null) return null;
  const b = body as {
    code?: unknown;
    idempotencyKey?: unknown;
    status?: unknown;
    history?: unknown;
    payments?: unknown;
  };
  if (typeof b.code !== "string") return null;
  const payments = paymentsOf(b.payments);
  const history = Array.isArray(b.history)
    ? (b.history as unknown[]).flatMap((h) => {
        const e = h as { status?: unknown; at?: unknown };
        return typeof e?.status === "number" && typeof e.at === "string"
          ? [{ status: e.status, at: e.at }]
          : [];
      })
    : undefined;
  return {
    code: b.code,
    ...(typeof b.idempotencyKey === "string" ? { idempotencyKey: b.idempotencyKey } : {}),
    ...(typeof b.status === "number" ? { status: b.status } : {}),
    ...(history ? { history } : {}),
    ...(payments ? { payments } : {}),
  };
};
