import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopbackHttp } from "../engine/net/guarded-fetch.js";
import { isHarnessError } from "../kernel/errors.js";
import { Redactor } from "../kernel/secrets.js";
import { buildBridge } from "./bridge.js";
import { loadAdapter } from "./load.js";
import { probeAdapter } from "./probe.js";

const secret = "fake-vendor-secret-42";
const dossierCode = "000.00.00.H12-250701-0001";

/** A small vendor-a-shaped API: sign-in, a catalogue, one dossier, overload and token revocation on demand. */
const fakeVendor = () => {
  const app = Fastify({ logger: false });
  const tokens = new Set<string>();
  const seen: { url: string; headers: Record<string, unknown>; body: unknown }[] = [];
  let signIns = 0;
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_r, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const base = "/v2";
  app.post(`${base}/login`, async (request, reply) => {
    const form = request.body as Record<string, string>;
    if (form.client_secret !== secret)
      return reply.code(401).send({ ketQua: "LOI", maLoi: "CHUA_XAC_THUC", thongBao: "wrong secret" });
    signIns += 1;
    const token = `app-token-${signIns}`;
    tokens.add(token);
    return { ketQua: "OK", duLieu: { maTruyCap: token, hieuLucGiay: 300 } };
  });
  app.addHook("preHandler", async (request, reply) => {
    if (request.url.startsWith(`${base}/login`) || request.url === `${base}/metrics`) return;
    seen.push({ url: request.url, headers: request.headers, body: request.body });
    if (!tokens.has(String(request.headers["x-ma-ung-dung"])))
      return reply.code(401).send({ ketQua: "LOI", maLoi: "CHUA_XAC_THUC", thongBao: "no app token" });
  });
  app.get(`${base}/thu-tuc`, async () => ({
    ketQua: "OK",
    duLieu: { danhSach: [{ ma: "1.001612", ten: "Khai sinh", level: "commune", feeVnd: 0 }], tongSo: 1 },
  }));
  app.get(`${base}/thu-tuc/:code`, async (request) => ({
    ketQua: "OK",
    duLieu: { ma: (request.params as { code: string }).code, ten: "Khai sinh", level: "commune", feeVnd: 0 },
  }));
  app.get(`${base}/ho-so/:code`, async (request, reply) => {
    const { code } = request.params as { code: string };
    if (code === "busy")
      return reply
        .code(429)
        .header("retry-after", "2")
        .send({ ketQua: "LOI", maLoi: "QUA_TAI", thongBao: "busy" });
    return {
      ketQua: "OK",
      duLieu: { ma: code, trangThai: "TT04", lichSu: [{ trangThai: "TT01", at: "t" }] },
    };
  });
  app.post(`${base}/ho-so`, async (request) => ({ ketQua: "OK", duLieu: request.body }));
  app.get(`${base}/metrics`, async () => "vendor_up 1\n");
  return { app, tokens, seen, signIns: () => signIns };
};

let vendor: ReturnType<typeof fakeVendor>;
let vendorUrl: string;
const http = loopbackHttp();

beforeAll(async () => {
  vendor = fakeVendor();
  vendorUrl = await vendor.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await vendor.app.close();
  await http.close();
});

const adapterFor = (mutate?: (a: ReturnType<typeof loadAdapter>) => void) => {
  const a = loadAdapter("examples/adapters/vendor-a.json", { baseUrl: `${vendorUrl}/v2` });
  a.signIn.path = "/login";
  a.metricsPath = "/v2/metrics";
  mutate?.(a);
  return a;
};

const bridge = (
  log: string[],
  s = secret,
  mutate?: (a: ReturnType<typeof loadAdapter>) => void,
): FastifyInstance => {
  const adapter = adapterFor(mutate);
  return buildBridge({
    adapter,
    secrets: { clientSecret: s },
    upstream: adapter.baseUrl,
    http,
    redactor: new Redactor({ clientSecret: s }),
    log: (line) => log.push(line),
  });
};

describe("buildBridge", () => {
  it("serves the contract: renames both ways, maps statuses, forwards renamed headers", async () => {
    const log: string[] = [];
    const app = bridge(log);
    const list = await app.inject({ method: "GET", url: "/api/v1/procedures?limit=1&q=khai" });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      items: [{ code: "1.001612", name: "Khai sinh", level: "commune", feeVnd: 0 }],
      total: 1,
    });
    expect(vendor.seen.at(-1)?.url).toBe("/v2/thu-tuc?soLuong=1&tuKhoa=khai");
    const d = await app.inject({ method: "GET", url: `/api/v1/dossiers/${dossierCode}` });
    expect(d.json()).toEqual({ code: dossierCode, status: 4, history: [{ status: 1, at: "t" }] });
    const post = await app.inject({
      method: "POST",
      url: "/api/v1/dossiers",
      headers: { authorization: "Bearer citizen", "idempotency-key": "key-12345678", cookie: "c=1" },
      payload: { procedureCode: "1.001612", applicant: { citizenId: "999000000001" } },
    });
    expect(post.json()).toEqual({ procedureCode: "1.001612", applicant: { citizenId: "999000000001" } });
    const sent = vendor.seen.at(-1);
    expect(sent?.body).toEqual({ maThuTuc: "1.001612", nguoiNop: { soDinhDanh: "999000000001" } });
    expect(sent?.headers).toMatchObject({
      "x-cong-dan-token": "Bearer citizen",
      "x-ma-giao-dich": "key-12345678",
      "x-vendor-client": "portal-harness",
    });
    expect(sent?.headers.cookie).toBeUndefined();
    expect(vendor.signIns()).toBeGreaterThanOrEqual(1);
    await app.close();
  });

  it("shares one sign-in among concurrent first calls", async () => {
    const app = bridge([]);
    const before = vendor.signIns();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => app.inject({ method: "GET", url: "/api/v1/procedures" })),
    );
    expect(replies.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(vendor.signIns()).toBe(before + 1);
    await app.close();
  });

  it("maps the vendor's 429 to the contract's 503 with Retry-After and the contract's error code", async () => {
    const app = bridge([]);
    const r = await app.inject({ method: "GET", url: "/api/v1/dossiers/busy" });
    expect(r.statusCode).toBe(503);
    expect(r.headers["retry-after"]).toBe("2");
    expect(r.json()).toEqual({ error: { code: "OVERLOADED", message: "busy" } });
    await app.close();
  });

  it("signs in again once after a 401 on an older token", async () => {
    const log: string[] = [];
    const app = bridge(log);
    await app.inject({ method: "GET", url: "/api/v1/procedures" });
    const before = vendor.signIns();
    await new Promise((r) => setTimeout(r, 1100));
    vendor.tokens.clear();
    const r = await app.inject({ method: "GET", url: "/api/v1/procedures" });
    expect(r.statusCode).toBe(200);
    expect(vendor.signIns()).toBe(before + 1);
    expect(log.some((l) => /searchProcedures: the vendor answered 401; signing in again/.test(l))).toBe(true);
    await app.close();
  });

  it("answers 501 NOT_MAPPED for an unmapped operation, 404 for no route, local /healthz, vendor /metrics", async () => {
    const app = bridge([], secret, (a) => delete a.operations.jwks);
    const r = await app.inject({ method: "GET", url: "/api/v1/auth/jwks" });
    expect(r.statusCode).toBe(501);
    expect(r.json().error.code).toBe("NOT_MAPPED");
    expect((await app.inject({ method: "GET", url: "/nope" })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({
      ok: true,
      adapter: "vendor-a",
    });
    expect((await app.inject({ method: "GET", url: "/metrics" })).body).toBe("vendor_up 1\n");
    await app.close();
  });

  it("answers 503 UPSTREAM_UNAVAILABLE with Retry-After when the vendor does not answer, and logs it redacted", async () => {
    const log: string[] = [];
    const adapter = adapterFor();
    const app = buildBridge({
      adapter,
      secrets: { clientSecret: secret },
      upstream: "http://127.0.0.1:1/v2",
      http,
      redactor: new Redactor({ clientSecret: secret }),
      log: (line) => log.push(line),
    });
    const r = await app.inject({ method: "GET", url: "/api/v1/procedures" });
    expect(r.statusCode).toBe(503);
    expect(r.headers["retry-after"]).toBe("1");
    expect(r.json().error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(log.join("\n")).toMatch(/searchProcedures: .* did not answer/);
    await app.close();
  });

  it("never logs the secret or the application token", async () => {
    const log: string[] = [];
    const app = bridge(log);
    await app.inject({ method: "GET", url: "/api/v1/procedures" });
    const text = log.join("\n");
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/app-token-\d/);
    await app.close();
  });
});

describe("probeAdapter", () => {
  const probe = (s: string, upstream?: string) => {
    const adapter = adapterFor();
    return probeAdapter({
      adapter,
      secrets: { clientSecret: s },
      upstream: upstream ?? adapter.baseUrl,
      http,
      redactor: new Redactor({ clientSecret: s }),
    });
  };
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      if (isHarnessError(e)) return { code: e.exitCode, lines: e.lines };
      throw e;
    }
    throw new Error("no error");
  };

  it("passes sign-in, search, one procedure; the fake has no OIDC document, so that one fails with exit 2", async () => {
    const f = await failure(probe(secret));
    expect(f.code).toBe(2);
    expect(f.lines[0]).toMatch(/^adapter vendor-a probe oidcConfiguration: answered 404 HTTP_404/);
  });
  it("a wrong secret is exit 2 naming signIn", async () => {
    const f = await failure(probe("wrong-secret-000"));
    expect(f).toMatchObject({ code: 2 });
    expect(f.lines[0]).toBe(
      "adapter vendor-a probe signIn: the vendor refused the sign-in: 401 UNAUTHORIZED",
    );
  });
  it("a target that does not answer is exit 3", async () => {
    const f = await failure(probe(secret, "http://127.0.0.1:1/v2"));
    expect(f.code).toBe(3);
    expect(f.lines[0]).toMatch(
      /^adapter vendor-a probe signIn: http:\/\/127\.0\.0\.1:1\/v2\/login did not answer/,
    );
  });
});
