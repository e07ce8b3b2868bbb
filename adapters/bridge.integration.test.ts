import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { ErrorBody } from "../contract/common.js";
import { operations } from "../contract/operations.js";
import { loopbackHttp } from "../engine/net/guarded-fetch.js";
import { allocatePorts } from "../kernel/ports.js";
import { Redactor } from "../kernel/secrets.js";
import { tempDir } from "../kernel/testing/temp-dir.js";
import { buildVendorAApp } from "../mocks/dialects/vendor-a/app.js";
import { startVendorAMock, type VendorAMock } from "../scripts/testing/vendor-a-mock.js";
import { type RunningBridge, startBridge } from "./bridge.js";
import { loadAdapter } from "./load.js";
import { probeAdapter } from "./probe.js";

const secret = "bridge-test-secret-7f3a9c";
const example = "examples/adapters/vendor-a.json";
const http = loopbackHttp();
const log: string[] = [];
const out = tempDir("ph-bridge-");
let vendor: VendorAMock | undefined;
let bridge: RunningBridge | undefined;
let url = "";

const options = (baseUrl: string, s = secret) => {
  const adapter = loadAdapter(example, { baseUrl });
  return {
    adapter,
    secrets: { clientSecret: s },
    upstream: adapter.baseUrl,
    http,
    redactor: new Redactor({ clientSecret: s }),
    log: (line: string) => log.push(line),
  };
};

/** One contract call through the bridge; the reply validated against the operation's schema for its status. */
const call = async <T = unknown>(
  id: keyof typeof operations,
  path: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: T }> => {
  const op = operations[id];
  const res = await fetch(`${url}${path}`, {
    method: op.method.toUpperCase(),
    headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(20_000),
  });
  const body = (await res.json()) as unknown;
  const spec = (op.responses as Record<number, { schema: z.ZodType }>)[res.status];
  expect(spec, `${id} answered ${res.status}: ${JSON.stringify(body)}`).toBeDefined();
  const parsed = spec?.schema.safeParse(body);
  expect(parsed?.success, `${id} ${res.status}: ${JSON.stringify(parsed?.error?.issues)}`).toBe(true);
  return { status: res.status, headers: res.headers, body: body as T };
};

describe("the bridge in front of the real vendor-a mock", () => {
  beforeAll(async () => {
    vendor = await startVendorAMock({ secret, out: out.path });
    bridge = await startBridge(options(vendor.baseUrl));
    url = bridge.url;
  });
  afterAll(async () => {
    await bridge?.close();
    await vendor?.stop();
    await http.close();
    out[Symbol.dispose]();
  });

  it("passes the probes", async () => {
    const checks = await probeAdapter(options(vendor?.baseUrl ?? ""));
    expect(checks.map((c) => c.operation)).toEqual([
      "signIn",
      "searchProcedures",
      "getProcedure",
      "oidcConfiguration",
    ]);
  });

  it("fails the probe with exit 2 naming signIn when the client secret is wrong", async () => {
    await expect(probeAdapter(options(vendor?.baseUrl ?? "", "not-the-secret-123"))).rejects.toMatchObject({
      exitCode: 2,
      lines: [
        expect.stringMatching(
          /^adapter vendor-a probe signIn: the vendor refused the sign-in: 401 UNAUTHORIZED$/,
        ),
        expect.stringMatching(/^hint: /),
      ],
    });
  });

  it("carries a citizen's whole journey in the contract's words", async () => {
    const search = await call<{ items: { code: string }[] }>(
      "searchProcedures",
      "/api/v1/procedures?limit=2&offset=0",
    );
    expect(search.body.items).toHaveLength(2);
    const procedure = search.body.items[0]?.code ?? "";
    await call("getProcedure", `/api/v1/procedures/${procedure}`);
    const citizenId = `999${String(Date.now() % 1e9).padStart(9, "0")}`;
    const redirectUri = "http://127.0.0.1:1/callback";
    const auth = await call<{ code: string }>("authorize", "/api/v1/auth/authorize", {
      body: {
        response_type: "code",
        client_id: "portal-harness",
        redirect_uri: redirectUri,
        scope: "openid",
        state: "s-1",
        login_hint: citizenId,
      },
    });
    const token = await call<{ access_token: string }>("token", "/api/v1/auth/token", {
      body: {
        grant_type: "authorization_code",
        code: auth.body.code,
        redirect_uri: redirectUri,
        client_id: "portal-harness",
      },
    });
    const bearer = { authorization: `Bearer ${token.body.access_token}` };
    const citizen = await call<{ fullName: string }>("getCitizen", `/api/v1/citizens/${citizenId}`, {
      headers: bearer,
    });
    const key = `bridge-${Date.now()}`;
    const submission = {
      procedureCode: procedure,
      agencyCode: "000.00.07.H12",
      applicant: { citizenId, fullName: citizen.body.fullName },
      attachments: [{ name: "don.pdf", sizeBytes: 1000, sha256: "a".repeat(64) }],
      fees: [{ code: "LE_PHI", amountVnd: 50_000 }],
    };
    const created = await call<{ code: string; status: number; idempotencyKey: string }>(
      "submitDossier",
      "/api/v1/dossiers",
      {
        body: submission,
        headers: { ...bearer, "idempotency-key": key },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 1, idempotencyKey: key });
    const again = await call<{ code: string }>("submitDossier", "/api/v1/dossiers", {
      body: submission,
      headers: { ...bearer, "idempotency-key": key },
    });
    expect(again.status).toBe(200);
    expect(again.body.code).toBe(created.body.code);
    const got = await call<{ code: string; history: { status: number }[]; applicant: unknown }>(
      "getDossier",
      `/api/v1/dossiers/${created.body.code}`,
    );
    expect(got.body).toMatchObject({
      code: created.body.code,
      applicant: { citizenId },
      history: [{ status: 1 }],
    });
    const found = await call<{ items: { code: string }[] }>(
      "findDossiersByKey",
      `/api/v1/dossiers?idempotencyKey=${key}`,
    );
    expect(found.body.items.map((d) => d.code)).toEqual([created.body.code]);
    const moved = await call<{ status: number }>(
      "transitionDossier",
      `/api/v1/dossiers/${created.body.code}/transitions`,
      {
        body: { toStatus: 2, officerId: "CB-1" },
      },
    );
    expect(moved.body.status).toBe(2);
    const missing = await call<z.infer<typeof ErrorBody>>(
      "getDossier",
      "/api/v1/dossiers/000.00.07.H12-250101-9999",
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("DOSSIER_NOT_FOUND");
    await call("nationalDossier", `/api/v1/sync/dossiers/${created.body.code}`);
  });

  it("passes /metrics through from the vendor's origin and answers /healthz itself", async () => {
    const metrics = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# (HELP|TYPE) /m);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true, adapter: "vendor-a" });
  });

  it("never writes the secret or the application token to its log", () => {
    expect(log.some((l) => l.startsWith("signed in to vendor-a"))).toBe(true);
    const text = log.join("\n");
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  });
});

describe("the vendor's overload answer", () => {
  it("comes back as the contract's 503 with Retry-After", async () => {
    // vendor-a in front of a gateway that does not answer: it signs in, then answers 429 MAT_KET_NOI.
    const [deadPort] = await allocatePorts(1);
    const app = buildVendorAApp({
      gatewayUrl: `http://127.0.0.1:${deadPort}`,
      clientId: "portal-harness",
      clientSecret: secret,
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/vendor-a/api/v2`;
    await using b = await startBridge(options(base));
    try {
      const res = await fetch(`${b.url}/api/v1/dossiers/000.00.07.H12-250101-0001`, {
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(ErrorBody.parse(await res.json()).error.code).toBe("UPSTREAM_UNAVAILABLE");
    } finally {
      await app.close();
    }
  });
});
