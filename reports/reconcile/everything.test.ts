import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { loopbackHttp } from "../../engine/net/guarded-fetch.js";
import { listenOnLoopback } from "../../kernel/testing/servers.js";
import { drainDeadline, reconcileEverything } from "./everything.js";
import type { DossierRecord, PaymentRecord } from "./records.js";

const code = (n: number) => `000.00.00.H01-260701-${String(n).padStart(4, "0")}`;
const at = "2026-07-01T01:00:00.000Z";

interface PortalState {
  dossiers: Map<
    string,
    { status: number; key: string; payments?: Array<{ paymentId: string; result: string }> }
  >;
  /** National view by code: status, and from when (ms after start) the national portal has it. */
  national: Map<string, { status: number; fromMs: number }>;
  payments: Map<string, { status: string; fromMs?: number; later?: string }>;
  nationalRoute: boolean;
}

/** A tiny portal speaking the contract's lookups: dossiers, nationalDossier, getPayment. */
const portal = async (state: PortalState) => {
  const started = Date.now();
  return listenOnLoopback(
    createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const age = Date.now() - started;
      let m = /^\/api\/v1\/sync\/dossiers\/(.+)$/.exec(url.pathname);
      if (m && state.nationalRoute) {
        const c = decodeURIComponent(m[1] ?? "");
        const n = state.national.get(c);
        return send(
          200,
          n && age >= n.fromMs ? { code: c, found: true, status: n.status } : { code: c, found: false },
        );
      }
      m = /^\/api\/v1\/dossiers\/(.+)$/.exec(url.pathname);
      if (m) {
        const c = decodeURIComponent(m[1] ?? "");
        const d = state.dossiers.get(c);
        if (!d) return send(404, { error: { code: "DOSSIER_NOT_FOUND", message: "no" } });
        return send(200, {
          code: c,
          idempotencyKey: d.key,
          status: d.status,
          history: [{ status: d.status, at }],
          ...(d.payments ? { payments: d.payments } : {}),
        });
      }
      if (url.pathname === "/api/v1/dossiers") return send(200, { items: [] });
      m = /^\/api\/v1\/payments\/(.+)$/.exec(url.pathname);
      const p = m ? state.payments.get(decodeURIComponent(m[1] ?? "")) : undefined;
      if (p) return send(200, { status: p.fromMs !== undefined && age >= p.fromMs ? p.later : p.status });
      send(404, { error: { code: "NOT_FOUND", message: "no" } });
    }),
  );
};

const dossier = (n: number): DossierRecord => ({
  ph: "dossier",
  kind: "acknowledged",
  key: `key-000${n}`,
  code: code(n),
  at: Date.now(),
  attempts: 1,
  province: "H01",
});
const payment = (id: string, n: number): PaymentRecord => ({
  ph: "payment",
  paymentId: id,
  dossierCode: code(n),
  amountVnd: 50_000,
  status: "processing",
  at: Date.now(),
  province: "H01",
});

const run = async (state: PortalState, dossiers: DossierRecord[], payments: PaymentRecord[], withinS = 2) => {
  await using server = await portal(state);
  const http = loopbackHttp();
  try {
    return await reconcileEverything(dossiers, payments, {
      baseUrl: server.url,
      http,
      stuckAfterS: 60,
      nationalSyncWithinS: withinS,
      paymentSettleWithinS: withinS,
      lastFaultEndWallMs: null,
      pollEveryMs: 200,
    });
  } finally {
    await http.close();
  }
};

describe("reconciliation of national sync and payments", () => {
  it("waits for a sync and a payment that arrive late, and then finds nothing wrong", async () => {
    const state: PortalState = {
      dossiers: new Map([
        [code(1), { status: 4, key: "key-0001", payments: [{ paymentId: "GD-1", result: "paid" }] }],
        [code(2), { status: 1, key: "key-0002" }],
      ]),
      national: new Map([
        [code(1), { status: 4, fromMs: 500 }],
        [code(2), { status: 1, fromMs: 0 }],
      ]),
      payments: new Map([["GD-1", { status: "processing", fromMs: 500, later: "paid" }]]),
      nationalRoute: true,
    };
    const started = Date.now();
    const r = await run(state, [dossier(1), dossier(2)], [payment("GD-1", 1)], 5);
    expect(r.national).toMatchObject({ checked: 2, synced: 2, missing: 0, stale: 0, lookupErrors: 0 });
    expect(r.national?.rounds).toBeGreaterThan(1);
    expect(r.payments).toMatchObject({ confirmed: 1, paid: 1, unsettled: 0, dossierUnpaid: 0 });
    // Done once everything settled, well before the 5 s limit.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("names missing and stale dossiers, unsettled payments and paid dossiers without the payment, at the limit", async () => {
    const state: PortalState = {
      dossiers: new Map([
        [code(1), { status: 4, key: "key-0001", payments: [] }],
        [code(2), { status: 2, key: "key-0002", payments: [] }],
        [code(3), { status: 1, key: "key-0003", payments: [] }],
      ]),
      national: new Map([
        [code(2), { status: 1, fromMs: 0 }],
        [code(3), { status: 1, fromMs: 0 }],
      ]),
      payments: new Map([
        ["GD-1", { status: "paid" }],
        ["GD-2", { status: "processing" }],
        ["GD-3", { status: "failed" }],
      ]),
      nationalRoute: true,
    };
    const started = Date.now();
    const r = await run(
      state,
      [dossier(1), dossier(2), dossier(3)],
      [payment("GD-1", 1), payment("GD-2", 2), payment("GD-3", 3)],
      1,
    );
    const took = Date.now() - started;
    expect(r.national).toMatchObject({ checked: 3, synced: 1, missing: 1, stale: 1 });
    expect(r.national?.examples).toEqual({
      missing: [code(1)],
      stale: [`${code(2)} (national 1, portal 2)`],
    });
    expect(r.payments).toMatchObject({ paid: 1, failed: 1, unsettled: 1, dossierUnpaid: 1 });
    expect(r.payments?.examples.unsettled).toEqual([`GD-2 for ${code(2)} (processing)`]);
    expect(r.payments?.examples.dossierUnpaid).toEqual([`${code(1)} (payment GD-1)`]);
    // It waited for the limit (1 s after the records, for both checks), and not much longer.
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(6000);
  });

  it("a portal without the nationalDossier lookup says so instead of calling every dossier missing", async () => {
    const state: PortalState = {
      dossiers: new Map([[code(1), { status: 1, key: "key-0001" }]]),
      national: new Map(),
      payments: new Map(),
      nationalRoute: false,
    };
    const r = await run(state, [dossier(1)], [], 1);
    expect(r.national?.notExposed).toMatch(/404/);
    expect(r.national?.missing).toBe(0);
    expect(r.payments).toMatchObject({ confirmed: 0, unsettled: 0, rounds: 0 });
  });
});

describe("drain deadline", () => {
  it.each([
    [10_000, [5_000, 8_000], 30, 40_000],
    [10_000, [5_000, 12_000], 30, 42_000],
    [null, [3_000], 5, 8_000],
  ] as const)("last fault end %j, records %j, limit %j s → %j", (fault, times, s, expected) => {
    expect(drainDeadline(fault, times, s)).toBe(expected);
  });
});
