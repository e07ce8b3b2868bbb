import { expect, it } from "vitest";
import { scrapeMetric, startTestStack } from "../chaos/testing/mock-stack.js";
import { sleep } from "../kernel/sleep.js";
import { runOpenLoad } from "./testing/load.js";

/**
 * The gateway keeps no payment only in memory that matters: the payment platform holds each transaction and
 * the dossier holds each recorded result, so a gateway restarted mid-run (its process stopped and started
 * again on the same port) still finds every payment a citizen confirmed, and every one settles.
 */
interface Confirmed {
  paymentId: string;
  dossierCode: string;
  at: number;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });

/** Submits a dossier, opens its fee's payment and confirms it; returns the payment once confirmed. */
const payOnce = async (base: string, tag: string, i: number): Promise<Confirmed | null> => {
  const sub = await post(
    `${base}/api/v1/dossiers`,
    {
      procedureCode: "1.001612",
      agencyCode: `000.00.${String((i % 90) + 1).padStart(2, "0")}.H09`,
      applicant: { citizenId: `999${String(300_000 + i).padStart(9, "0")}`, fullName: "Công dân Thử nghiệm" },
      attachments: [{ name: "don.pdf", sizeBytes: 100_000, sha256: "c".repeat(64) }],
      fees: [],
    },
    { "idempotency-key": `pay-${tag}-${i}` },
  );
  const dossier = (await sub.json()) as { code?: string };
  if (sub.status !== 201 || !dossier.code) return null;
  const created = await post(`${base}/api/v1/payments`, { dossierCode: dossier.code, amountVnd: 50_000 });
  const payment = (await created.json()) as { paymentId?: string };
  if (created.status !== 201 || !payment.paymentId) return null;
  const confirm = await post(`${base}/api/v1/payments/${payment.paymentId}/confirm`, { outcome: "success" });
  await confirm.arrayBuffer();
  return confirm.status === 202
    ? { paymentId: payment.paymentId, dossierCode: dossier.code, at: Date.now() }
    : null;
};

/** Polls the portal's view of a payment until it is final or `deadline` passes. */
const settled = async (base: string, id: string, deadline: number): Promise<string> => {
  let status = "not found";
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/api/v1/payments/${id}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status?: string };
    status = res.status === 200 ? (body.status ?? "?") : `HTTP ${res.status}`;
    if (status === "paid" || status === "failed") return status;
    await sleep(200);
  }
  return status;
};

it("payments confirmed before a gateway restart are all found after it and settle", async () => {
  await using stack = await startTestStack("healthy");
  const restartPart = stack.restartPart;
  if (!restartPart) throw new Error("the mock stack cannot restart a part");
  const base = stack.citizenUrl;
  const tag = Date.now().toString(36);
  const confirmed: Confirmed[] = [];
  let restartedAt = Number.NaN;
  const restart = (async () => {
    await sleep(4000);
    await restartPart("gateway");
    restartedAt = Date.now();
  })();
  await runOpenLoad({
    ratePerS: 6,
    durationMs: 10_000,
    maxInFlight: 50,
    fire: async (i) => {
      const c = await payOnce(base, tag, i).catch(() => null);
      if (c) confirmed.push(c);
    },
  });
  await restart;
  const before = confirmed.filter((c) => c.at < restartedAt);
  const deadline = Date.now() + 20_000;
  const statuses = new Map<string, string>();
  for (const c of confirmed) statuses.set(c.paymentId, await settled(base, c.paymentId, deadline));
  const unsettled = [...statuses].filter(([, s]) => s !== "paid");
  const rebuilt = await scrapeMetric(stack.partUrls.gateway ?? base, "portal_payments_rebuilt_total");
  console.log(
    `confirmed ${confirmed.length} (${before.length} before the restart); not paid: ${unsettled.length}; rebuilt after the restart: ${rebuilt}`,
  );
  expect(before.length).toBeGreaterThanOrEqual(10);
  expect(confirmed.length - before.length).toBeGreaterThanOrEqual(10);
  expect(unsettled, "confirmed payments the restarted gateway lost or never settled").toEqual([]);
  // The restarted gateway knew none of the earlier payments: it rebuilt them from the platform and the dossier.
  expect(rebuilt).toBeGreaterThanOrEqual(before.length);
  // The result is on the dossier too, once, for every payment.
  for (const c of confirmed) {
    const res = await fetch(`${base}/api/v1/dossiers/${c.dossierCode}`, {
      signal: AbortSignal.timeout(5000),
    });
    const d = (await res.json()) as { payments?: Array<{ paymentId: string; result: string }> };
    expect(d.payments?.filter((p) => p.paymentId === c.paymentId).map((p) => p.result)).toEqual(["paid"]);
  }
});
