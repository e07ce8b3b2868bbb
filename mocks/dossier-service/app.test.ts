import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "./app.js";

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const a of apps.splice(0).reverse()) await a.close();
});
const started = async (app: FastifyInstance): Promise<string> => {
  apps.push(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
};
const body = {
  procedureCode: "1.001612",
  agencyCode: "000.00.00.H12",
  applicant: { citizenId: "999000000001", fullName: "A" },
  attachments: [],
  fees: [],
};
const submit = (app: FastifyInstance, key: string) =>
  app.inject({ method: "POST", url: "/dossiers", headers: { "idempotency-key": key }, payload: body });

describe("dossier service: replication, promotion and fencing", () => {
  it("sync replication: an acknowledged dossier is already on the standby", async () => {
    const standby = buildApp({ role: "standby" });
    const primary = buildApp({ role: "primary", standbyUrl: await started(standby) });
    apps.push(primary);
    const res = await submit(primary, "key-00000001");
    expect(res.statusCode).toBe(201);
    const onStandby = await standby.inject({ url: `/dossiers/${res.json().code}` });
    expect(onStandby.statusCode).toBe(200);
  });

  it("sync replication with the standby unreachable: 503 and no acknowledgement, and the retry is still refused", async () => {
    const primary = buildApp({
      role: "primary",
      standbyUrl: "http://127.0.0.1:9",
      replicationTimeoutMs: 200,
    });
    apps.push(primary);
    const first = await submit(primary, "key-00000002");
    expect(first.statusCode).toBe(503);
    expect(first.json().error.code).toBe("REPLICATION_UNAVAILABLE");
    expect((await submit(primary, "key-00000002")).statusCode).toBe(503);
  });

  it("a standby refuses writes until promoted; promotion fences the old primary", async () => {
    const standby = buildApp({ role: "standby", codeGap: 10 });
    const primary = buildApp({ role: "primary", standbyUrl: await started(standby) });
    apps.push(primary);
    const before = await submit(standby, "key-00000003");
    expect(before.statusCode).toBe(503);
    expect(before.json().error.code).toBe("NOT_PRIMARY");
    const acked = await submit(primary, "key-00000004");
    expect(acked.json().code).toMatch(/-0001$/);

    const promoted = await standby.inject({ method: "POST", url: "/admin/promote", payload: { epoch: 2 } });
    expect(promoted.json()).toEqual({ role: "primary", epoch: 2 });
    const stale = await standby.inject({ method: "POST", url: "/admin/promote", payload: { epoch: 2 } });
    expect(stale.statusCode).toBe(200);
    const afterPromotion = await submit(standby, "key-00000005");
    expect(afterPromotion.statusCode).toBe(201);
    expect(afterPromotion.json().code, "the counter jumped by the gap").toMatch(/-0012$/);
    // The same key on the new primary returns the replicated dossier, not a new one.
    expect((await submit(standby, "key-00000004")).json().code).toBe(acked.json().code);

    const fenced = await submit(primary, "key-00000006");
    expect(fenced.statusCode).toBe(503);
    const health = await primary.inject({ url: "/healthz" });
    expect(health.json().role).toBe("fenced");
    expect((await submit(primary, "key-00000007")).json().error.code).toBe("NOT_PRIMARY");
  });

  it("replication from an older epoch is refused", async () => {
    const standby = buildApp({ role: "standby" });
    apps.push(standby);
    await standby.inject({ method: "POST", url: "/admin/promote", payload: { epoch: 3 } });
    const res = await standby.inject({
      method: "POST",
      url: "/replication/apply",
      payload: { epoch: 1, ops: [] },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("FENCED");
  });
});
