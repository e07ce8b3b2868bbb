import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dossierCodePattern } from "../../mocks/contract/common.js";
import { catalogue, type FakePortal, fakePortal } from "../testing/fake-portal.js";
import { testPlan } from "../testing/plan.js";

const plan = testPlan({ pollsPerSubmission: 2 });

// Journeys keep per-VU state in their module, as k6 does per VU: every test gets fresh modules.
let http: typeof import("../testing/k6-stubs/http.js");
let k6: typeof import("../testing/k6-stubs/k6.js");
let metrics: typeof import("../testing/k6-stubs/metrics.js");
let exec: typeof import("../testing/k6-stubs/execution.js").default;
let citizen: typeof import("./citizen.js");
let portal: FakePortal;
let logged: string[] = [];

beforeEach(async () => {
  vi.resetModules();
  http = await import("../testing/k6-stubs/http.js");
  k6 = await import("../testing/k6-stubs/k6.js");
  metrics = await import("../testing/k6-stubs/metrics.js");
  exec = (await import("../testing/k6-stubs/execution.js")).default;
  citizen = await import("./citizen.js");
  portal = fakePortal();
  http.setHandler(portal.handle);
  logged = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => {
    logged.push(line);
  });
});
afterEach(() => vi.restoreAllMocks());

const posts = (path: string) => http.requests.filter((r) => r.method === "POST" && r.url.endsWith(path));
const records = () =>
  logged.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.ph === "dossier");
const sampled = (metric: string) => metrics.samples.filter((m) => m.metric === metric);

/** The fake portal, with the dossier submission answered by `submit` instead. */
const withSubmit = (
  submit: (n: number) => { status: number; headers?: Record<string, string>; body?: unknown },
) => {
  let n = 0;
  http.setHandler((req) =>
    req.method === "POST" && req.url.endsWith("/api/v1/dossiers") ? submit(++n) : portal.handle(req),
  );
};

describe("citizen submission journey (k6 stubbed)", () => {
  it("signs in with the code flow, prefills from the population lookup, submits once and polls with backoff", () => {
    citizen.submit(plan);
    const authorize = posts("/api/v1/auth/authorize")[0];
    const authBody = JSON.parse(authorize?.body ?? "{}") as Record<string, string>;
    expect(authBody).toMatchObject({ response_type: "code", client_id: "portal-harness", scope: "openid" });
    expect(authBody.login_hint).toMatch(/^999\d{9}$/); // synthetic citizens only
    expect(JSON.parse(posts("/api/v1/auth/token")[0]?.body ?? "{}")).toMatchObject({
      grant_type: "authorization_code",
      code: "c1",
    });
    const lookup = http.requests.find((r) => r.url.includes("/api/v1/citizens/"));
    expect(lookup?.params.headers?.authorization).toBe("Bearer t2");
    expect(lookup?.params.tags).toMatchObject({ journey: "citizen", step: "lookup" });
    const submitted = posts("/api/v1/dossiers");
    expect(submitted).toHaveLength(1);
    const body = JSON.parse(submitted[0]?.body ?? "{}") as {
      applicant: { citizenId: string; fullName: string };
    };
    expect(body.applicant).toEqual({ citizenId: authBody.login_hint, fullName: "Nguyễn Văn Thử" });
    expect(submitted[0]?.params.headers).toMatchObject({
      "idempotency-key": "r1-d0",
      authorization: "Bearer t2",
    });
    expect(records()).toEqual([expect.objectContaining({ kind: "acknowledged", key: "r1-d0", attempts: 1 })]);
    expect(String(records()[0]?.code)).toMatch(dossierCodePattern);
    const polls = http.requests.filter((r) => r.method === "GET" && /\/dossiers\/\d/.test(r.url));
    expect(polls).toHaveLength(2);
    expect(polls[0]?.params.tags).toMatchObject({ journey: "citizen", step: "status" });
    expect(k6.recorded.sleeps).toEqual([0.2, 0.4]);
    expect(sampled("dossiers_acknowledged")).toHaveLength(1);
    expect(sampled("sign_ins")).toHaveLength(1);
    expect(sampled("dossier_ack_ms")[0]?.tags).toMatchObject({ step: "submit" });
  });

  it("reuses the VU's token across iterations and signs in again once it is about to expire", () => {
    const now = vi.spyOn(Date, "now").mockReturnValue(1_000_000);
    portal = fakePortal({ tokenTtlS: 120 });
    http.setHandler(portal.handle);
    for (let i = 0; i < 3; i++) {
      exec.scenario.iterationInTest = i;
      citizen.submit(plan);
    }
    expect(posts("/api/v1/auth/token")).toHaveLength(1);
    now.mockReturnValue(1_000_000 + 95_000); // 120 s token, renewed 30 s before it lapses
    exec.scenario.iterationInTest = 3;
    citizen.submit(plan);
    expect(posts("/api/v1/auth/token")).toHaveLength(2);
    expect(posts("/api/v1/dossiers").at(-1)?.params.headers?.authorization).toBe("Bearer t4");
    expect(new Set(records().map((r) => r.key)).size).toBe(4);
    exec.scenario.iterationInTest = 0;
  });

  it("does not submit when sign-in fails, as a real citizen could not", () => {
    http.setHandler((req) =>
      req.url.endsWith("/authorize") ? { status: 503, headers: { "Retry-After": "1" } } : portal.handle(req),
    );
    citizen.submit(plan);
    expect(posts("/api/v1/auth/authorize")).toHaveLength(2); // retried once, honouring Retry-After
    expect(posts("/api/v1/dossiers")).toHaveLength(0);
    expect(k6.recorded.checks).toContainEqual(expect.objectContaining({ name: "signed in", passed: false }));
    expect(sampled("retry_wait_ms")[0]).toMatchObject({
      value: 1000,
      tags: expect.objectContaining({ retry_after: "1" }),
    });
  });

  it("retries a shed submission with the same idempotency key, honouring Retry-After", () => {
    withSubmit((n) =>
      n < 3
        ? { status: 503, headers: { "Retry-After": "1" } }
        : { status: 201, body: { code: "000.00.00.H01-250701-0002", status: 1 } },
    );
    citizen.submit(plan);
    const keys = posts("/api/v1/dossiers").map((p) => p.params.headers?.["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(k6.recorded.sleeps.slice(0, 2)).toEqual([1, 1]);
    expect(sampled("retry_wait_ms").map((s) => s.value)).toEqual([1000, 1000]);
    expect(records()[0]).toMatchObject({ kind: "acknowledged", attempts: 3 });
  });

  it("does not retry a request the portal rejected as invalid, and records it unacknowledged", () => {
    withSubmit(() => ({ status: 400, body: { error: {} } }));
    citizen.submit(plan);
    expect(posts("/api/v1/dossiers")).toHaveLength(1);
    expect(records()).toEqual([expect.objectContaining({ kind: "unacknowledged", attempts: 1 })]);
    expect(k6.recorded.checks).toContainEqual(
      expect.objectContaining({ name: "dossier acknowledged", passed: false }),
    );
  });

  it("caps a long Retry-After so a VU is not held for minutes, and says it did", () => {
    withSubmit(() => ({ status: 429, headers: { "Retry-After": "120" } }));
    citizen.submit(plan);
    expect(posts("/api/v1/dossiers")).toHaveLength(3);
    expect(Math.max(...k6.recorded.sleeps)).toBeLessThanOrEqual(2);
    expect(
      sampled("retry_wait_ms").every((s) => (s.tags as { retry_after: string }).retry_after === "120"),
    ).toBe(true);
  });

  it("pays the fee of a procedure that has one, and measures payment completion", () => {
    citizen.submit({ ...plan, journeys: { payShare: 1, officer: null, sync: null, meetings: null } });
    const submitted = JSON.parse(posts("/api/v1/dossiers")[0]?.body ?? "{}") as {
      procedureCode: string;
      fees: unknown[];
    };
    expect(submitted.procedureCode).toBe(catalogue.items[0]?.code); // the one with a fee
    expect(submitted.fees).toEqual([{ code: "LE_PHI", amountVnd: 10_000 }]);
    const created = JSON.parse(posts("/api/v1/payments")[0]?.body ?? "{}");
    expect(created).toEqual({ dossierCode: records()[0]?.code, amountVnd: 10_000 });
    expect(posts("/confirm")).toHaveLength(1);
    expect(sampled("payments_completed").map((s) => s.value)).toEqual([true]);
    expect(sampled("payment_ms")).toHaveLength(1);
    expect(sampled("payment_ms")[0]?.tags).toMatchObject({ step: "payment" });
  });
});

describe("citizen browse journey (k6 stubbed)", () => {
  it("makes one tagged request per iteration", () => {
    for (let i = 0; i < 20; i++) citizen.browse(plan);
    expect(http.requests).toHaveLength(20);
    for (const r of http.requests)
      expect(r.params.tags).toMatchObject({ journey: "citizen", step: "browse" });
    expect(http.requests.every((r) => /^H\d{2}$/.test(r.params.tags?.province ?? ""))).toBe(true);
  });

  it("repeats its choices for the same seed", () => {
    for (let i = 0; i < 10; i++) citizen.browse(plan);
    const first = http.requests.map((r) => r.url);
    vi.resetModules();
    return import("./citizen.js").then(async (again) => {
      const http2 = await import("../testing/k6-stubs/http.js");
      http2.setHandler(fakePortal().handle);
      for (let i = 0; i < 10; i++) again.browse(plan);
      expect(http2.requests.map((r) => r.url)).toEqual(first);
    });
  });
});
