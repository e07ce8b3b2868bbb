import type { Dossier, SubmitDossierRequest } from "../contract/dossier.js";

/** yyMMdd of an instant on the portal's clock, Asia/Ho_Chi_Minh (UTC+7, no DST). */
export const portalDate = (at: Date): string => {
  const local = new Date(at.getTime() + 7 * 3600_000);
  const yy = String(local.getUTCFullYear() % 100).padStart(2, "0");
  const mm = String(local.getUTCMonth() + 1).padStart(2, "0");
  const dd = String(local.getUTCDate()).padStart(2, "0");
  return `${yy}${mm}${dd}`;
};

export const maxDailyPerAgency = 9999;

export type SubmitResult =
  | { kind: "created"; dossier: Dossier }
  | { kind: "existing"; dossier: Dossier }
  | { kind: "agency-limit"; agencyCode: string; date: string };

/** In-memory dossiers with a per-agency daily counter and an idempotency index. */
export class DossierStore {
  private readonly byCode = new Map<string, Dossier>();
  private readonly byKey = new Map<string, string[]>();
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly now: () => Date,
    private readonly honourIdempotency = true,
  ) {}

  submit(request: SubmitDossierRequest, idempotencyKey: string): SubmitResult {
    const existing = this.byKey.get(idempotencyKey);
    if (this.honourIdempotency && existing?.[0]) {
      const dossier = this.byCode.get(existing[0]);
      if (dossier) return { kind: "existing", dossier };
    }
    const at = this.now();
    const date = portalDate(at);
    const counterKey = `${request.agencyCode}-${date}`;
    const n = (this.counters.get(counterKey) ?? 0) + 1;
    if (n > maxDailyPerAgency) return { kind: "agency-limit", agencyCode: request.agencyCode, date };
    this.counters.set(counterKey, n);
    const code = `${counterKey}-${String(n).padStart(4, "0")}`;
    const iso = at.toISOString();
    const dossier: Dossier = {
      code,
      procedureCode: request.procedureCode,
      agencyCode: request.agencyCode,
      idempotencyKey,
      status: 1,
      receivedAt: iso,
      history: [{ status: 1, at: iso }],
    };
    this.byCode.set(code, dossier);
    this.byKey.set(idempotencyKey, [...(existing ?? []), code]);
    return { kind: "created", dossier };
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
}
