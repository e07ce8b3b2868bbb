import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scrapeMetric, startTestStack, type TestStack } from "../chaos/testing/mock-stack.js";
import { sleep } from "../kernel/sleep.js";

/** Provincial → national sync through the outbox, across an outage of the province-national link. */
describe("national sync outbox (process per part, real toxiproxy)", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack("healthy");
  });
  afterAll(async () => stack?.close());

  const syncStatus = async () =>
    (await (
      await fetch(`${stack.citizenUrl}/api/v1/sync/status`, { signal: AbortSignal.timeout(5000) })
    ).json()) as {
      pending: number;
      delivered: number;
      failedAttempts: number;
    };

  it("dossiers submitted during an outage wait in the outbox and arrive once each when the link returns", async () => {
    const national = stack.partUrls["national-sync"] ?? "";
    const statsBefore = (await (await fetch(`${national}/stats`)).json()) as { applied: number };
    await stack.client.setEnabled(stack.proxyFor("province-national"), false);
    const codes: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${stack.citizenUrl}/api/v1/dossiers`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `sync-${Date.now()}-${i}` },
        body: JSON.stringify({
          procedureCode: "1.001612",
          agencyCode: "000.00.11.H20",
          applicant: { citizenId: `999${String(500 + i).padStart(9, "0")}`, fullName: "Công dân Thử nghiệm" },
          attachments: [],
          fees: [],
        }),
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(201);
      codes.push(((await res.json()) as { code: string }).code);
    }
    await sleep(1500);
    const during = await syncStatus();
    expect(during.pending).toBe(40);
    expect(during.failedAttempts).toBeGreaterThan(0);
    expect(await scrapeMetric(stack.citizenUrl, "portal_sync_backlog")).toBe(40);
    expect(await scrapeMetric(stack.citizenUrl, "portal_sync_lag_seconds")).toBeGreaterThan(0.5);

    await stack.client.setEnabled(stack.proxyFor("province-national"), true);
    let after = await syncStatus();
    for (let i = 0; i < 100 && after.pending > 0; i++) {
      await sleep(100);
      after = await syncStatus();
    }
    expect(after.pending).toBe(0);
    for (const code of codes) {
      const view = (await (
        await fetch(`${stack.citizenUrl}/api/v1/sync/dossiers/${code}`, { signal: AbortSignal.timeout(5000) })
      ).json()) as { found: boolean; status?: number };
      expect(view, code).toMatchObject({ found: true, status: 1 });
    }
    const statsAfter = (await (await fetch(`${national}/stats`)).json()) as {
      applied: number;
      dossiers: number;
    };
    expect(statsAfter.applied - statsBefore.applied, "each message applied exactly once").toBe(40);
  });
});
