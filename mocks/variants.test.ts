import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { sleep } from "../kernel/sleep.js";
import { buildApp as buildGateway } from "./gateway/app.js";
import { buildPart, PartConfig } from "./parts.js";
import { buildApp as buildPayment } from "./payment/app.js";
import { type InProcessMock, startInProcessMock } from "./testing/in-process.js";
import { mockVariantNames, variantBehaviour } from "./variants.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const listen = async (app: FastifyInstance): Promise<string> => {
  cleanups.push(() => app.close());
  await app.listen({ host: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
};
const mock = async (variant: string, overrides: Parameters<typeof startInProcessMock>[1] = {}) => {
  const m: InProcessMock = await startInProcessMock(variant, overrides);
  cleanups.push(() => m.close());
  return m;
};
const submission = (i: number) => ({
  procedureCode: "1.001612",
  agencyCode: "000.00.03.H05",
  applicant: { citizenId: `99900000${String(i).padStart(4, "0")}`, fullName: "Công dân Thử nghiệm" },
  attachments: [],
  fees: [],
});
const submit = (m: InProcessMock, i: number, key = `variant-key-${i}`) =>
  m.gateway.inject({
    method: "POST",
    url: "/api/v1/dossiers",
    headers: { "idempotency-key": key },
    payload: submission(i),
  });

describe("variants", () => {
  it("every required variant exists, builds every part, and differs from healthy", () => {
    for (const name of [
      "healthy",
      "unbounded-queue",
      "no-failover",
      "slow-failover",
      "async-replication-loss",
      "no-idempotency",
      "silent-sync-stall",
      "payment-callback-lost",
      "identity-cascade",
    ])
      expect(mockVariantNames).toContain(name);
    const healthy = variantBehaviour("healthy");
    for (const name of mockVariantNames.filter((n) => n !== "healthy"))
      expect(variantBehaviour(name), name).not.toEqual(healthy);
    expect(variantBehaviour("slow-failover").failoverAfterMs).toBeGreaterThan(5000);
    expect(() => PartConfig.parse({ variant: "no-such-variant" })).toThrow();
  });

  it("no-idempotency: a retried submission makes a second dossier; healthy returns the first", async () => {
    for (const [variant, expected] of [
      ["healthy", 1],
      ["no-idempotency", 2],
    ] as const) {
      const m = await mock(variant);
      await submit(m, 1, "same-key-123");
      await submit(m, 1, "same-key-123");
      const found = await m.gateway.inject({ url: "/api/v1/dossiers?idempotencyKey=same-key-123" });
      expect(found.json().items, variant).toHaveLength(expected);
    }
  });

  it("silent-sync-stall: once the national session expires, sync reports nothing pending but delivers nothing", async () => {
    const outcome: Record<string, { found: boolean; pending: number }> = {};
    for (const variant of ["healthy", "silent-sync-stall"]) {
      const m = await mock(variant, { "national-sync": { sessionTtlS: 1 } });
      await submit(m, 1);
      await sleep(1300); // the session from the first delivery has expired
      const second = (await submit(m, 2)).json().code as string;
      let found = false;
      for (let i = 0; i < 20 && !found; i++) {
        await sleep(50);
        found = (await m.gateway.inject({ url: `/api/v1/sync/dossiers/${second}` })).json().found === true;
      }
      const status = (await m.gateway.inject({ url: "/api/v1/sync/status" })).json() as { pending: number };
      outcome[variant] = { found, pending: status.pending };
    }
    expect(outcome.healthy).toEqual({ found: true, pending: 0 });
    expect(outcome["silent-sync-stall"]).toEqual({ found: false, pending: 0 });
  });

  it("payment-callback-lost: a callback the portal refuses once is never retried; healthy retries it", async () => {
    const delivered: Record<string, number> = {};
    for (const [variant, retries] of [
      ["healthy", true],
      ["payment-callback-lost", false],
    ] as const) {
      let calls = 0;
      const receiver = Fastify();
      receiver.post("/api/v1/payments/callback", async (_req, reply) => {
        calls++;
        return calls === 1 ? reply.code(503).send({}) : { error_code: "00", message: "ok" };
      });
      const callbackUrl = await listen(receiver);
      const platform = buildPayment({
        secret: "synthetic-shared-secret",
        callbackUrl,
        callbackRetries: retries,
        settleMs: 1,
      });
      cleanups.push(() => platform.close());
      const { maXacThuc } = await import("../contract/payment.js");
      const init = { MaThamChieu: "000.00.03.H05-250701-0001", SoTien: 1000, NoiDung: "Le phi" };
      const started = await platform.inject({
        method: "POST",
        url: "/payment/init",
        payload: { ...init, MaXacThuc: maXacThuc(Object.values(init), "synthetic-shared-secret") },
      });
      const id = started.json().MaGiaoDich as string;
      await platform.inject({
        method: "POST",
        url: `/payment/${id}/confirm`,
        payload: { outcome: "success" },
      });
      await sleep(800);
      delivered[variant] = (await platform.inject({ url: `/payment/${id}` })).json().callbackDelivered
        ? calls
        : -calls;
    }
    expect(delivered).toEqual({ healthy: 2, "payment-callback-lost": -1 });
  });

  it("identity-cascade: a slow identity service takes the gateway's slots; healthy isolates it", async () => {
    const slowIdentity = Fastify();
    slowIdentity.post("/introspect", async () => {
      await sleep(1500);
      return { active: true, sub: "999000000001" };
    });
    const identityUrl = await listen(slowIdentity);
    const dossier = buildPart("dossier-primary", {});
    const dossierUrl = await listen(dossier);
    const lookupStatus: Record<string, number> = {};
    for (const variant of ["healthy", "identity-cascade"]) {
      const gateway = buildGateway({
        seed: 1,
        variant,
        upstreams: { dossierPrimary: dossierUrl, identity: identityUrl },
        admission: { maxInFlight: 4, maxQueue: 8, maxQueueWaitMs: 100 },
        identityBulkhead: { maxInFlight: 1, maxQueue: 0, timeoutMs: 300 },
      });
      cleanups.push(() => gateway.close());
      const signedIn = Array.from({ length: 4 }, (_, i) =>
        gateway.inject({
          method: "POST",
          url: "/api/v1/dossiers",
          headers: { "idempotency-key": `cascade-${variant}-${i}`, authorization: "Bearer token" },
          payload: submission(1),
        }),
      );
      await sleep(50);
      const started = performance.now();
      const lookup = await gateway.inject({ url: "/api/v1/dossiers/000.00.03.H05-250701-0001" });
      lookupStatus[variant] = lookup.statusCode;
      if (variant === "healthy") expect(performance.now() - started).toBeLessThan(300);
      const statuses = (await Promise.all(signedIn)).map((r) => r.statusCode);
      if (variant === "healthy") expect(statuses.every((s) => s === 503)).toBe(true);
    }
    // Healthy: the lookup runs (404, no such dossier); cascade: every slot waits on identity, the lookup is shed.
    expect(lookupStatus).toEqual({ healthy: 404, "identity-cascade": 503 });
  });

  it("meetings refuse a participant beyond the session's capacity", async () => {
    const meetings = buildPart("meetings", { meetingCapacity: 2 });
    cleanups.push(() => meetings.close());
    const join = (p: string) =>
      meetings.inject({ method: "POST", url: "/meetings/HOP-001/join", payload: { participantId: p } });
    expect((await join("CB-1")).statusCode).toBe(200);
    expect((await join("CB-2")).statusCode).toBe(200);
    expect((await join("CB-1")).statusCode).toBe(200);
    const full = await join("CB-3");
    expect(full.statusCode).toBe(409);
    expect(full.json().error.code).toBe("MEETING_FULL");
  });

  it("bad requests to any part are coded 4xx, never 500", async () => {
    const gateway = buildGateway({ seed: 1, upstreams: { dossierPrimary: "http://127.0.0.1:9" } });
    cleanups.push(() => gateway.close());
    const huge = await gateway.inject({
      method: "POST",
      url: "/api/v1/documents",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ title: "x".repeat(1_100_000) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe("PAYLOAD_TOO_LARGE");
    const wrongType = await gateway.inject({
      method: "POST",
      url: "/api/v1/documents",
      headers: { "content-type": "text/csv" },
      payload: "a,b",
    });
    expect(wrongType.statusCode).toBe(415);
    const down = await gateway.inject({ url: "/api/v1/dossiers/000.00.03.H05-250701-0001" });
    expect(down.statusCode).toBe(503);
    expect(down.headers["retry-after"]).toBeDefined();
  });
});
