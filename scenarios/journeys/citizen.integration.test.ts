import { describe, expect, it } from "vitest";
import { dossierCodePattern } from "../../contract/common.js";
import type { K6Plan } from "../lib/plan.js";
import { checks, explain, type JourneyResult, runJourney, samples } from "../testing/journey-run.js";
import { testPlan } from "../testing/plan.js";
import { getJson, startPortal } from "../testing/portal.js";
import { type Intercept, type Seen, startProxy } from "../testing/proxy.js";

/*
 * The citizen journeys on the engine against the real mock (every part in this process on loopback), with
 * a recording proxy in front of the gateway that sees what the load sent and injects failures where asked.
 */

const parse = <T = Record<string, unknown>>(text: string): T => JSON.parse(text) as T;

const submitRun = async (
  plan: K6Plan,
  iterations: number,
  o: { body?: string; vus?: number; perVu?: boolean } = {},
): Promise<JourneyResult> => {
  const r = await runJourney({
    plan,
    imports: { citizen: ["submit", "browse"] },
    body: o.body ?? "await submit(plan);",
    iterations,
    ...(o.vus === undefined ? {} : { vus: o.vus }),
    ...(o.perVu === undefined ? {} : { perVu: o.perVu }),
  });
  expect(r.status, explain(r)).toBe("completed");
  expect(r.iterations?.errors, explain(r)).toBe(0);
  return r;
};

/** Answers the n-th POST /api/v1/dossiers (from 1) with `answer(n)`, if any; the rest reach the mock. */
const onSubmit = (answer: (n: number) => Intercept | undefined) => {
  let n = 0;
  return (req: { method: string; path: string }): Intercept | undefined => {
    if (req.method !== "POST" || req.path !== "/api/v1/dossiers") return undefined;
    n++;
    return answer(n);
  };
};

const gaps = (seen: Seen[]): number[] => seen.slice(1).map((s, i) => s.at - (seen[i] as Seen).at);

describe("citizen submission journey (engine → mock)", () => {
  it("signs in with the code flow, prefills from the population lookup, submits once and polls with backoff", async () => {
    await using portal = await startPortal();
    await using proxy = await startProxy(portal.url);
    const r = await submitRun(testPlan({ baseUrl: proxy.url, pollsPerSubmission: 2 }), 1);

    const [authorize] = proxy.to("/api/v1/auth/authorize");
    const authBody = parse<Record<string, string>>(authorize?.body ?? "{}");
    expect(authBody).toMatchObject({ response_type: "code", client_id: "portal-harness", scope: "openid" });
    const citizenId = authBody.login_hint ?? "";
    expect(citizenId).toMatch(/^999\d{9}$/); // synthetic citizens only
    const [token] = proxy.to("/api/v1/auth/token");
    expect(parse(token?.body ?? "{}")).toMatchObject({
      grant_type: "authorization_code",
      code: parse<{ code: string }>(authorize?.answer ?? "{}").code,
    });
    const bearer = `Bearer ${parse<{ access_token: string }>(token?.answer ?? "{}").access_token}`;
    const [lookup] = proxy.to(`/api/v1/citizens/${citizenId}`);
    expect(lookup?.headers.authorization).toBe(bearer);
    expect(lookup?.status).toBe(200);

    const submitted = proxy.to("/api/v1/dossiers", "POST");
    expect(submitted).toHaveLength(1);
    expect(parse<{ applicant: unknown }>(submitted[0]?.body ?? "{}").applicant).toEqual({
      citizenId,
      fullName: parse<{ fullName: string }>(lookup?.answer ?? "{}").fullName,
    });
    expect(submitted[0]?.headers).toMatchObject({ "idempotency-key": "run-test-d0", authorization: bearer });

    expect(r.records).toEqual([
      expect.objectContaining({
        ph: "dossier",
        kind: "acknowledged",
        key: "run-test-d0",
        attempts: 1,
        status: 1,
      }),
    ]);
    const code = String(r.records[0]?.code);
    expect(code).toMatch(dossierCodePattern);
    // The portal holds it, under the key.
    const stored = await getJson<{ code: string; status: number }>(`${portal.url}/api/v1/dossiers/${code}`);
    expect(stored).toMatchObject({ status: 200, body: { code, status: 1 } });

    // Two status polls after 0.2 s and 0.4 s more.
    const polls = proxy.to(`/api/v1/dossiers/${code}`, "GET");
    expect(polls).toHaveLength(2);
    const [first, second] = gaps([submitted[0] as Seen, ...polls]);
    expect(first).toBeGreaterThanOrEqual(195);
    expect(second).toBeGreaterThanOrEqual(395);
    expect(second).toBeLessThan(1000);

    // Every request tagged with journey, step and province; the name is the contract's path template.
    const reqs = samples(r, "http_reqs");
    expect(reqs).toHaveLength(proxy.seen.length);
    const byName = (name: string) => reqs.filter((p) => p.tags.name === name).map((p) => p.tags);
    for (const tags of reqs.map((p) => p.tags))
      expect(tags).toMatchObject({ journey: "citizen", province: expect.stringMatching(/^H\d{2}$/) });
    expect(byName("GET /api/v1/citizens/{citizenId}")).toEqual([expect.objectContaining({ step: "lookup" })]);
    expect(byName("POST /api/v1/auth/token")).toEqual([expect.objectContaining({ step: "sign-in" })]);
    expect(byName("POST /api/v1/dossiers")).toEqual([
      expect.objectContaining({ step: "submit", status: "201" }),
    ]);
    expect(byName("GET /api/v1/dossiers/{code}").map((t) => t.step)).toEqual(["status", "status"]);

    expect(samples(r, "dossiers_submitted").map((s) => s.value)).toEqual([1]);
    expect(samples(r, "dossiers_acknowledged").map((s) => s.value)).toEqual([1]);
    expect(samples(r, "sign_ins")).toHaveLength(1);
    expect(samples(r, "dossier_ack_ms")[0]?.tags).toMatchObject({ journey: "citizen", step: "submit" });
    expect(checks(r)).toEqual({
      "signed in": { passes: 1, fails: 0 },
      "citizen found": { passes: 1, fails: 0 },
      "dossier acknowledged": { passes: 1, fails: 0 },
      "status found": { passes: 2, fails: 0 },
    });
  });

  it("reuses the VU's token across iterations and signs in again once it is about to expire", async () => {
    await using portal = await startPortal();
    // Tokens said to last 32 s: renewed 30 s before, so the journey keeps one for 2 s.
    await using proxy = await startProxy(portal.url, (req) =>
      req.path === "/api/v1/auth/token" ? { rewrite: (b) => ({ ...b, expires_in: 32 }) } : undefined,
    );
    await submitRun(testPlan({ baseUrl: proxy.url }), 4, {
      body: "if (i === 3) await wait(2100); await submit(plan);",
    });
    const tokens = proxy
      .to("/api/v1/auth/token")
      .map((t) => parse<{ access_token: string }>(t.answer).access_token);
    expect(tokens).toHaveLength(2);
    const used = proxy.to("/api/v1/dossiers", "POST").map((p) => p.headers.authorization);
    expect(used).toEqual([...Array(3).fill(`Bearer ${tokens[0]}`), `Bearer ${tokens[1]}`]);
    const keys = proxy.to("/api/v1/dossiers", "POST").map((p) => p.headers["idempotency-key"]);
    expect(keys).toEqual(["run-test-d0", "run-test-d1", "run-test-d2", "run-test-d3"]);
  });

  it("keeps each VU's citizen and token to itself (per-VU state by VU id, though VUs share the module)", async () => {
    await using portal = await startPortal();
    await using proxy = await startProxy(portal.url);
    const r = await submitRun(testPlan({ baseUrl: proxy.url }), 3, { vus: 2, perVu: true });
    const hints = proxy
      .to("/api/v1/auth/authorize")
      .map((a) => parse<{ login_hint: string }>(a.body).login_hint);
    expect(new Set(hints).size).toBe(2); // two citizens, one sign-in each for three submissions each
    expect(samples(r, "sign_ins")).toHaveLength(2);
    const citizenOf = new Map(
      proxy
        .to("/api/v1/auth/token")
        .map((t, n) => [`Bearer ${parse<{ access_token: string }>(t.answer).access_token}`, hints[n]]),
    );
    const submitted = proxy.to("/api/v1/dossiers", "POST");
    expect(submitted).toHaveLength(6);
    // Each submission carries its own VU's token and names that VU's citizen (the gateway checks it too).
    for (const s of submitted)
      expect(parse<{ applicant: { citizenId: string } }>(s.body).applicant.citizenId).toBe(
        citizenOf.get(String(s.headers.authorization)),
      );
    expect(r.records.filter((x) => x.kind === "acknowledged")).toHaveLength(6);
  });

  it("does not submit when sign-in fails, as a real citizen could not", async () => {
    await using portal = await startPortal();
    await using proxy = await startProxy(portal.url, (req) =>
      req.path === "/api/v1/auth/authorize"
        ? { status: 503, headers: { "Retry-After": "1" }, body: { error: { code: "OVERLOADED" } } }
        : undefined,
    );
    const r = await submitRun(testPlan({ baseUrl: proxy.url }), 1);
    const authorize = proxy.to("/api/v1/auth/authorize");
    expect(authorize).toHaveLength(2); // retried once, honouring Retry-After
    expect(gaps(authorize)[0]).toBeGreaterThanOrEqual(995);
    expect(proxy.to("/api/v1/auth/token")).toHaveLength(0);
    expect(proxy.to("/api/v1/dossiers", "POST")).toHaveLength(0);
    expect(r.records).toEqual([]);
    expect(checks(r)["signed in"]).toEqual({ passes: 0, fails: 1 });
    expect(samples(r, "retry_wait_ms")).toEqual([
      expect.objectContaining({
        value: 1000,
        tags: expect.objectContaining({ retry_after: "1", status: "503", step: "sign-in" }),
      }),
    ]);
  });

  it("retries a shed submission with the same idempotency key, honouring Retry-After", async () => {
    await using portal = await startPortal();
    await using proxy = await startProxy(
      portal.url,
      onSubmit((n) =>
        n < 3 ? { status: 503, headers: { "Retry-After": "1" }, body: { error: {} } } : undefined,
      ),
    );
    const r = await submitRun(testPlan({ baseUrl: proxy.url }), 1);
    const submitted = proxy.to("/api/v1/dossiers", "POST");
    expect(submitted.map((p) => p.headers["idempotency-key"])).toEqual(Array(3).fill("run-test-d0"));
    for (const gap of gaps(submitted)) expect(gap).toBeGreaterThanOrEqual(995);
    expect(samples(r, "retry_wait_ms").map((s) => [s.value, s.tags.retry_after, s.tags.status])).toEqual([
      [1000, "1", "503"],
      [1000, "1", "503"],
    ]);
    expect(r.records).toEqual([expect.objectContaining({ kind: "acknowledged", attempts: 3 })]);
    const found = await getJson<{ items: unknown[] }>(
      `${portal.url}/api/v1/dossiers?idempotencyKey=run-test-d0`,
    );
    expect(found.body.items).toHaveLength(1);
  });

  it("does not retry a request the portal rejected as invalid, and records it unacknowledged", async () => {
    await using portal = await startPortal();
    await using proxy = await startProxy(
      portal.url,
      onSubmit(() => ({ status: 400, body: { error: { code: "BAD_REQUEST" } } })),
    );
    const r = await submitRun(testPlan({ baseUrl: proxy.url }), 1);
    expect(proxy.to("/api/v1/dossiers", "POST")).toHaveLength(1);
    expect(r.records).toEqual([
      expect.objectContaining({ kind: "unacknowledged", key: "run-test-d0", attempts: 1 }),
    ]);
    expect(r.records[0]).not.toHaveProperty("code");
    expect(checks(r)["dossier acknowledged"]).toEqual({ passes: 0, fails: 1 });
    expect(samples(r, "dossiers_submitted")).toHaveLength(1);
    expect(samples(r, "dossiers_acknowledged")).toHaveLength(0);
  });

  it("caps a long Retry-After so a VU is not held for minutes, and says it did", async () => {
    await using portal = await startPortal();
    await using proxy = await startProxy(
      portal.url,
      onSubmit(() => ({ status: 429, headers: { "Retry-After": "120" }, body: { error: {} } })),
    );
    const r = await submitRun(testPlan({ baseUrl: proxy.url }), 1);
    const submitted = proxy.to("/api/v1/dossiers", "POST");
    expect(submitted).toHaveLength(3);
    for (const gap of gaps(submitted)) {
      expect(gap).toBeGreaterThanOrEqual(1995);
      expect(gap).toBeLessThan(2500);
    }
    expect(samples(r, "retry_wait_ms").map((s) => [s.value, s.tags.retry_after, s.tags.status])).toEqual([
      [2000, "120", "429"],
      [2000, "120", "429"],
    ]);
    expect(r.records).toEqual([expect.objectContaining({ kind: "unacknowledged", attempts: 3 })]);
  });

  it("pays the fee of a procedure that has one, and measures payment completion", async () => {
    await using portal = await startPortal();
    await using proxy = await startProxy(portal.url);
    const r = await submitRun(testPlan({ baseUrl: proxy.url, journeys: { payShare: 1 } }), 1);
    const submitted = parse<{ procedureCode: string; fees: Array<{ amountVnd: number }> }>(
      proxy.to("/api/v1/dossiers", "POST")[0]?.body ?? "{}",
    );
    const procedure = await getJson<{ feeVnd: number }>(
      `${portal.url}/api/v1/procedures/${submitted.procedureCode}`,
    );
    expect(procedure.body.feeVnd).toBeGreaterThan(0); // a procedure with a fee was chosen
    expect(submitted.fees).toEqual([{ code: "LE_PHI", amountVnd: procedure.body.feeVnd }]);
    const [created] = proxy.to("/api/v1/payments", "POST");
    expect(parse(created?.body ?? "{}")).toEqual({
      dossierCode: r.records[0]?.code,
      amountVnd: procedure.body.feeVnd,
    });
    expect(proxy.to("/confirm")).toHaveLength(1);
    const paymentId = parse<{ paymentId: string }>(created?.answer ?? "{}").paymentId;
    const payment = await getJson<{ status: string }>(`${portal.url}/api/v1/payments/${paymentId}`);
    expect(payment.body.status).toBe("paid");
    // One payment record, for reconciliation to ask the portal about again.
    expect(r.records.filter((x) => x.ph === "payment")).toEqual([
      expect.objectContaining({
        paymentId,
        dossierCode: r.records[0]?.code,
        amountVnd: procedure.body.feeVnd,
        status: "paid",
        at: expect.any(Number),
      }),
    ]);
    expect(samples(r, "payments_completed").map((s) => s.value)).toEqual([1]);
    expect(samples(r, "payment_ms")).toEqual([
      expect.objectContaining({ tags: expect.objectContaining({ journey: "citizen", step: "payment" }) }),
    ]);
    for (const name of ["payment started", "payment confirmed", "payment completed"])
      expect(checks(r)[name], name).toEqual({ passes: 1, fails: 0 });
  });
});

describe("citizen browse journey (engine → mock)", () => {
  const browseUrls = async (plan: K6Plan, iterations: number): Promise<JourneyResult> =>
    submitRun(plan, iterations, { body: "await browse(plan);" });

  it("makes one tagged request per iteration, searching and opening procedures", async () => {
    await using portal = await startPortal();
    const r = await browseUrls(testPlan({ baseUrl: portal.url }), 20);
    const reqs = samples(r, "http_reqs");
    expect(reqs).toHaveLength(20);
    for (const p of reqs)
      expect(p.tags).toMatchObject({
        journey: "citizen",
        step: "browse",
        province: expect.stringMatching(/^H\d{2}$/),
        status: "200",
      });
    const c = checks(r);
    expect(c["catalogue searched"]?.fails).toBe(0);
    expect(c["procedure opened"]?.fails).toBe(0);
    expect((c["catalogue searched"]?.passes ?? 0) + (c["procedure opened"]?.passes ?? 0)).toBe(20);
    expect(c["procedure opened"]?.passes).toBeGreaterThan(0); // it remembered what it found
  });

  it("repeats its choices for the same seed, and makes others for another", async () => {
    await using portal = await startPortal();
    const urls = async (seed: number) =>
      samples(await browseUrls(testPlan({ baseUrl: portal.url, seed }), 10), "http_reqs").map(
        (p) => p.tags.url,
      );
    const first = await urls(7);
    expect(await urls(7)).toEqual(first);
    expect(await urls(8)).not.toEqual(first);
  });
});
