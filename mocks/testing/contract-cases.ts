import { createLocalJWKSet, jwtVerify } from "jose";
import { expect } from "vitest";
import { type OperationId, type OperationSpec, operations } from "../../contract/operations.js";
import { maXacThuc } from "../../contract/payment.js";
import { sleep } from "../../kernel/sleep.js";

/**
 * One walk through every operation of the portal contract, against any running implementation. Each
 * response must use a status the contract declares for that operation and match its schema; the walk
 * returns the statuses seen per operation so a test can check that every operation was exercised.
 */
export interface Exchange {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
  text: string;
}
export type Send = (
  server: OperationSpec["server"],
  method: "GET" | "POST",
  path: string,
  init?: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
) => Promise<Exchange>;

/** A Send over real HTTP (global fetch), every request with a deadline. */
export const httpSend =
  (bases: Record<OperationSpec["server"], string>): Send =>
  async (server, method, path, init = {}) => {
    const res = await fetch(`${bases[server]}${path}`, {
      method,
      headers: {
        ...(init.body !== undefined || init.rawBody !== undefined
          ? { "content-type": "application/json" }
          : {}),
        ...init.headers,
      },
      ...(init.rawBody !== undefined
        ? { body: init.rawBody }
        : init.body !== undefined
          ? { body: JSON.stringify(init.body) }
          : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body, text };
  };

export const paymentSecretForTests = "synthetic-shared-secret";

type Call = (
  id: OperationId,
  path: string,
  init?: Parameters<Send>[3],
  expectStatus?: number,
) => Promise<Exchange & { json: Record<string, unknown> }>;

/** One exchange checked against the contract (declared status, schema, headers), recorded in `seen`. */
const contractCall =
  (send: Send, seen: Map<OperationId, Set<number>>): Call =>
  async (id, path, init = {}, expectStatus) => {
    const spec: OperationSpec = operations[id];
    const ex = await send(spec.server, spec.method.toUpperCase() as "GET" | "POST", path, init);
    const declared = spec.responses[ex.status];
    expect(
      declared,
      `${id} ${path} answered ${ex.status}, which the contract does not declare: ${ex.text}`,
    ).toBeDefined();
    const parsed = declared?.schema.safeParse(ex.body);
    expect(
      parsed?.success,
      `${id} ${ex.status} body does not match the schema: ${ex.text.slice(0, 300)}`,
    ).toBe(true);
    for (const h of declared?.headers ?? [])
      expect(ex.headers[h], `${id} ${ex.status} lacks ${h}`).toBeDefined();
    if (expectStatus !== undefined)
      expect(ex.status, `${id} ${path}: ${ex.text.slice(0, 300)}`).toBe(expectStatus);
    const set = seen.get(id) ?? new Set<number>();
    set.add(ex.status);
    seen.set(id, set);
    return { ...ex, json: (ex.body ?? {}) as Record<string, unknown> };
  };

const errorCode = (ex: Exchange) => (ex.body as { error?: { code?: string } } | null)?.error?.code;

/** Catalogue: search and lookup; returns a procedure to file dossiers under. */
const catalogue = async (call: Call): Promise<{ code: string }> => {
  const search = await call("searchProcedures", "/api/v1/procedures?q=khai&limit=5", {}, 200);
  const items = search.json.items as Array<{ code: string; feeVnd: number }>;
  expect(items.length).toBeGreaterThan(0);
  await call("searchProcedures", "/api/v1/procedures?limit=999", {}, 400);
  const procedure = items[0] as { code: string };
  await call("getProcedure", `/api/v1/procedures/${procedure.code}`, {}, 200);
  await call("getProcedure", "/api/v1/procedures/9.999999", {}, 404);
  await call("getProcedure", "/api/v1/procedures/not-a-code", {}, 400);
  return procedure;
};

/** Sign-in: authorization code → tokens, verified against the published keys. */
const signIn = async (call: Call): Promise<{ citizenId: string; bearer: Record<string, string> }> => {
  const citizenId = `999${String(Date.now() % 1e9).padStart(9, "0")}`;
  const discovery = await call("oidcConfiguration", "/.well-known/openid-configuration", {}, 200);
  const jwks = await call("jwks", "/api/v1/auth/jwks", {}, 200);
  const authorize = {
    response_type: "code",
    client_id: "dvcqg-portal",
    redirect_uri: "http://127.0.0.1/auth/callback",
    scope: "openid",
    state: "st-1",
    nonce: "nonce-1",
    login_hint: citizenId,
  };
  const auth = await call("authorize", "/api/v1/auth/authorize", { body: authorize }, 200);
  expect(auth.json.state).toBe("st-1");
  await call("authorize", "/api/v1/auth/authorize", { body: { ...authorize, client_id: "rogue" } }, 400);
  const tokenBody = {
    grant_type: "authorization_code",
    code: auth.json.code,
    redirect_uri: authorize.redirect_uri,
    client_id: authorize.client_id,
  };
  const tokens = await call("token", "/api/v1/auth/token", { body: tokenBody }, 200);
  const reused = await call("token", "/api/v1/auth/token", { body: tokenBody }, 400);
  expect(errorCode(reused)).toBe("INVALID_GRANT");
  const keySet = createLocalJWKSet(jwks.body as Parameters<typeof createLocalJWKSet>[0]);
  const { payload } = await jwtVerify(String(tokens.json.id_token), keySet, {
    issuer: String(discovery.json.issuer),
    audience: "dvcqg-portal",
  });
  expect(payload.sub).toBe(citizenId);
  expect(payload.nonce).toBe("nonce-1");
  const bearer = { authorization: `Bearer ${String(tokens.json.access_token)}` };
  return { citizenId, bearer };
};

/** Population: a citizen may look up only themself. */
const population = async (call: Call, citizenId: string, bearer: Record<string, string>) => {
  const citizen = await call("getCitizen", `/api/v1/citizens/${citizenId}`, { headers: bearer }, 200);
  expect(citizen.json.synthetic).toBe(true);
  await call("getCitizen", `/api/v1/citizens/${citizenId}`, {}, 401);
  await call("getCitizen", "/api/v1/citizens/999111111111", { headers: bearer }, 403);
  return String(citizen.json.fullName);
};

/** Dossier intake and lookups; returns the new dossier's code and its idempotency key. */
const intake = async (
  call: Call,
  procedure: { code: string },
  applicant: { citizenId: string; fullName: string },
  bearer: Record<string, string>,
): Promise<{ code: string; key: string }> => {
  const key = `contract-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const submission = {
    procedureCode: procedure.code,
    agencyCode: "000.00.07.H12",
    applicant,
    attachments: [{ name: "don.pdf", sizeBytes: 120_000, sha256: "a".repeat(64) }],
    fees: [{ code: "LE_PHI", amountVnd: 50_000 }],
  };
  const created = await call(
    "submitDossier",
    "/api/v1/dossiers",
    { body: submission, headers: { ...bearer, "idempotency-key": key } },
    201,
  );
  const code = String(created.json.code);
  const again = await call(
    "submitDossier",
    "/api/v1/dossiers",
    { body: submission, headers: { "idempotency-key": key } },
    200,
  );
  expect(again.json.code).toBe(code);
  await call("submitDossier", "/api/v1/dossiers", { body: submission }, 400);
  await call(
    "submitDossier",
    "/api/v1/dossiers",
    { body: { ...submission, agencyCode: "H12" }, headers: { "idempotency-key": `${key}-b` } },
    400,
  );
  await call("getDossier", `/api/v1/dossiers/${code}`, {}, 200);
  await call("getDossier", "/api/v1/dossiers/000.00.07.H12-250101-9999", {}, 404);
  await call("getDossier", "/api/v1/dossiers/nonsense", {}, 400);
  const byKey = await call("findDossiersByKey", `/api/v1/dossiers?idempotencyKey=${key}`, {}, 200);
  expect((byKey.json.items as unknown[]).length).toBe(1);
  await call("findDossiersByKey", "/api/v1/dossiers?idempotencyKey=x", {}, 400);
  return { code, key };
};

/** Officer actions along the status graph; an illegal jump is refused. */
const officerMoves = async (call: Call, code: string) => {
  const move = (toStatus: number, expected: number) =>
    call(
      "transitionDossier",
      `/api/v1/dossiers/${code}/transitions`,
      { body: { toStatus, officerId: "CB-7" } },
      expected,
    );
  await move(2, 200);
  const illegal = await move(10, 409);
  expect(errorCode(illegal)).toBe("ILLEGAL_TRANSITION");
  await move(4, 200);
  await move(6, 200);
  await call(
    "transitionDossier",
    `/api/v1/dossiers/${code}/transitions`,
    { body: { toStatus: 11, officerId: "CB-7" } },
    400,
  );
  await call(
    "transitionDossier",
    "/api/v1/dossiers/000.00.07.H12-250101-9999/transitions",
    { body: { toStatus: 2, officerId: "CB-7" } },
    404,
  );
};

/** Payment: INIT through the portal, the citizen pays, the result arrives by callback. */
const portalPayment = async (call: Call, code: string) => {
  const paymentCreated = await call(
    "createPayment",
    "/api/v1/payments",
    { body: { dossierCode: code, amountVnd: 50_000 } },
    201,
  );
  const paymentId = String(paymentCreated.json.paymentId);
  await call(
    "createPayment",
    "/api/v1/payments",
    { body: { dossierCode: "000.00.07.H12-250101-9999", amountVnd: 1 } },
    404,
  );
  await call(
    "confirmPayment",
    `/api/v1/payments/${paymentId}/confirm`,
    { body: { outcome: "success" } },
    202,
  );
  await call("confirmPayment", "/api/v1/payments/GD-unknown/confirm", { body: {} }, 404);
  let paymentStatus = "";
  for (let i = 0; i < 60 && paymentStatus !== "paid"; i++) {
    const p = await call("getPayment", `/api/v1/payments/${paymentId}`, {}, 200);
    paymentStatus = String(p.json.status);
    if (paymentStatus !== "paid") await sleep(50);
  }
  expect(paymentStatus).toBe("paid");
  await call("getPayment", "/api/v1/payments/GD-unknown", {}, 404);
  const afterPayment = await call("getDossier", `/api/v1/dossiers/${code}`, {}, 200);
  expect(afterPayment.json.status, "a paid dossier waiting for payment returns to processing").toBe(4);
  const callback = { MaGiaoDich: paymentId, MaThamChieu: code, SoTien: 50_000, KetQua: "00" };
  await call(
    "paymentCallback",
    "/api/v1/payments/callback",
    { body: { ...callback, MaXacThuc: maXacThuc(Object.values(callback), paymentSecretForTests) } },
    200,
  );
  const forged = await call(
    "paymentCallback",
    "/api/v1/payments/callback",
    { body: { ...callback, MaXacThuc: "0".repeat(64) } },
    400,
  );
  expect(errorCode(forged)).toBe("BAD_CHECKSUM");
};

/** Payment platform INIT, directly. */
const platformInit = async (call: Call, code: string) => {
  const init = { MaThamChieu: code, SoTien: 10_000, NoiDung: "Le phi" };
  await call(
    "paymentInit",
    "/payment/init",
    { body: { ...init, MaXacThuc: maXacThuc(Object.values(init), paymentSecretForTests) } },
    200,
  );
  const badInit = await call(
    "paymentInit",
    "/payment/init",
    { body: { ...init, MaXacThuc: "f".repeat(64) } },
    400,
  );
  expect(errorCode(badInit)).toBe("BAD_CHECKSUM");
};

/** National sync: the outbox delivers the dossier's status to the national portal. */
const outboxDelivery = async (call: Call, code: string) => {
  let national: Record<string, unknown> = {};
  for (let i = 0; i < 60 && national.status !== 4; i++) {
    national = (await call("nationalDossier", `/api/v1/sync/dossiers/${code}`, {}, 200)).json;
    if (national.status !== 4) await sleep(100);
  }
  expect(national).toMatchObject({ found: true, status: 4 });
  await call("nationalDossier", "/api/v1/sync/dossiers/bad", {}, 400);
  await call("syncStatus", "/api/v1/sync/status", {}, 200);
};

/** The national portal's own interface: login, push, progress and lookup, with their error codes. */
const nationalPortal = async (call: Call, code: string, procedure: { code: string }) => {
  const login = await call(
    "nationalLogin",
    "/login",
    { body: { username: "contract", password: "synthetic" } },
    200,
  );
  const session = String(login.json.session);
  await call("nationalLogin", "/login", { body: {} }, 400);
  const otherCode = code.replace(/-\d{4}$/, "-9998");
  const hoSo = {
    MaHoSo: otherCode,
    MaTTHC: procedure.code,
    MaDinhDanh: "000.00.07.H12",
    ChuHoSo: "Công dân Thử nghiệm",
    NgayTiepNhan: "20250701080000",
    NgayHenTra: "20250706080000",
    TrangThaiHoSo: 1,
    TaiLieuNop: [],
    DanhSachLePhi: [],
  };
  const pushed = await call(
    "dongBoHoSo",
    "/DongBoHoSoMC",
    { body: { session, MessageId: `${otherCode}#1`, HoSo: hoSo } },
    200,
  );
  expect(pushed.json.error_code).toBe("00");
  const repeated = await call(
    "dongBoHoSo",
    "/DongBoHoSoMC",
    { body: { session, MessageId: `${otherCode}#1`, HoSo: hoSo } },
    200,
  );
  expect(repeated.json.error_code).toBe("00");
  const stale = await call(
    "dongBoHoSo",
    "/DongBoHoSoMC",
    { body: { session: "expired", MessageId: `${otherCode}#x`, HoSo: hoSo } },
    200,
  );
  expect(stale.json.error_code).toBe("99");
  await call("dongBoHoSo", "/DongBoHoSoMC", { body: { session } }, 400);
  const progress = {
    session,
    MessageId: `${otherCode}#2`,
    MaHoSo: otherCode,
    TrangThaiHoSo: 2,
    ThoiGian: "20250701090000",
  };
  expect((await call("capNhatTienDo", "/CapNhatTienDoHoSoMC", { body: progress }, 200)).json.error_code).toBe(
    "00",
  );
  const unknown = await call(
    "capNhatTienDo",
    "/CapNhatTienDoHoSoMC",
    { body: { ...progress, MessageId: "x#2", MaHoSo: code.replace(/-\d{4}$/, "-9997") } },
    200,
  );
  expect(unknown.json.error_code).toBe("02");
  await call("capNhatTienDo", "/CapNhatTienDoHoSoMC", { body: { session } }, 400);
  const looked = await call("traCuuHoSo", `/TraCuuHoSo?MaHoSo=${otherCode}`, {}, 200);
  expect(looked.json).toMatchObject({ error_code: "00", data: { MaHoSo: otherCode, TrangThaiHoSo: 2 } });
  expect(
    (await call("traCuuHoSo", "/TraCuuHoSo?MaHoSo=000.00.07.H12-250101-0001", {}, 200)).json.error_code,
  ).toBe("04");
  await call("traCuuHoSo", "/TraCuuHoSo", {}, 400);
};

/** Document management: draft, forward (holder only), sign (holder only, once). */
const documents = async (call: Call, code: string) => {
  const doc = await call(
    "createDocument",
    "/api/v1/documents",
    { body: { dossierCode: code, title: "Quyết định", officerId: "CB-1" } },
    201,
  );
  const docId = String(doc.json.id);
  await call("createDocument", "/api/v1/documents", { body: { dossierCode: code } }, 400);
  await call("getDocument", `/api/v1/documents/${docId}`, {}, 200);
  await call("getDocument", "/api/v1/documents/VB-999999", {}, 404);
  await call(
    "forwardDocument",
    `/api/v1/documents/${docId}/forward`,
    { body: { fromOfficerId: "CB-1", toOfficerId: "CB-2" } },
    200,
  );
  await call(
    "forwardDocument",
    `/api/v1/documents/${docId}/forward`,
    { body: { fromOfficerId: "CB-1", toOfficerId: "CB-3" } },
    403,
  );
  await call("signDocument", `/api/v1/documents/${docId}/sign`, { body: { officerId: "CB-1" } }, 403);
  const signed = await call(
    "signDocument",
    `/api/v1/documents/${docId}/sign`,
    { body: { officerId: "CB-2" } },
    200,
  );
  expect(signed.json.state).toBe("signed");
  await call("signDocument", `/api/v1/documents/${docId}/sign`, { body: { officerId: "CB-2" } }, 409);
};

/** Reporting and online meetings. */
const reportingAndMeetings = async (call: Call) => {
  const report = await call(
    "dossierReport",
    "/api/v1/reports/dossiers?groupBy=status&from=2025-07-01&to=2025-07-31",
    {},
    200,
  );
  expect((report.json.rows as unknown[]).length).toBeGreaterThan(0);
  await call("dossierReport", "/api/v1/reports/dossiers?groupBy=everything", {}, 400);

  // Online meetings
  await call("getMeeting", "/api/v1/meetings/HOP-001", {}, 200);
  await call("getMeeting", "/api/v1/meetings/HOP-999", {}, 404);
  const joined = await call(
    "joinMeeting",
    "/api/v1/meetings/HOP-001/join",
    { body: { participantId: "CB-1" } },
    200,
  );
  expect(joined.json.participants).toBe(1);
  await call("joinMeeting", "/api/v1/meetings/HOP-001/join", { body: { participantId: "nobody" } }, 400);
  const left = await call(
    "leaveMeeting",
    "/api/v1/meetings/HOP-001/leave",
    { body: { participantId: "CB-1" } },
    200,
  );
  expect(left.json.participants).toBe(0);
  await call("leaveMeeting", "/api/v1/meetings/HOP-999/leave", { body: { participantId: "CB-1" } }, 404);
};

/** Conventions: unknown routes and malformed JSON are coded 4xx, never 500. */
const conventions = async (send: Send, key: string) => {
  const missing = await send("gateway", "GET", "/api/v1/nothing-here");
  expect(missing.status).toBe(404);
  expect(errorCode(missing)).toBe("NOT_FOUND");
  const malformed = await send("gateway", "POST", "/api/v1/dossiers", {
    rawBody: "{not json",
    headers: { "idempotency-key": `${key}-m` },
  });
  expect(malformed.status).toBe(400);
  expect(errorCode(malformed)).toBe("BAD_REQUEST");
};

/** The walk, group by group; later groups use what earlier ones made (a procedure, a citizen, a dossier). */
export const exerciseContract = async (send: Send): Promise<Map<OperationId, Set<number>>> => {
  const seen = new Map<OperationId, Set<number>>();
  const call = contractCall(send, seen);
  const procedure = await catalogue(call);
  const { citizenId, bearer } = await signIn(call);
  const fullName = await population(call, citizenId, bearer);
  const { code, key } = await intake(call, procedure, { citizenId, fullName }, bearer);
  await officerMoves(call, code);
  await portalPayment(call, code);
  await platformInit(call, code);
  await outboxDelivery(call, code);
  await nationalPortal(call, code, procedure);
  await documents(call, code);
  await reportingAndMeetings(call);
  await conventions(send, key);
  return seen;
};
