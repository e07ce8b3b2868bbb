import type { StubAnswer, StubRequest } from "./k6-stubs/http.js";

/**
 * A tiny in-memory portal for the stubbed k6 http module: enough of the contract for the journeys' unit tests
 * (identity, population, catalogue, dossiers with the status graph, payments, documents, national sync,
 * reports, meetings). Tests override single routes to inject failures.
 */
export interface FakePortal {
  handle(req: StubRequest): StubAnswer;
  dossiers: Map<string, { code: string; status: number; agencyCode: string; idempotencyKey: string }>;
  national: Map<string, number>;
  sessions: Set<string>;
  meetings: Map<string, Set<string>>;
  counters: Record<string, number>;
}

const legal: Record<number, number[]> = {
  1: [2, 3, 7],
  2: [4, 7],
  4: [5, 6, 8, 9, 7],
  5: [4, 7, 8],
  6: [4, 7, 8],
  9: [10],
};

export const catalogue = {
  items: [
    { code: "1.000001", name: "a", level: "province", feeVnd: 10_000 },
    { code: "1.000002", name: "b", level: "commune", feeVnd: 0 },
  ],
  total: 2,
};

export const fakePortal = (options: { meetingCapacity?: number; tokenTtlS?: number } = {}): FakePortal => {
  const dossiers: FakePortal["dossiers"] = new Map();
  const national = new Map<string, number>();
  const sessions = new Set<string>();
  const meetings = new Map<string, Set<string>>();
  const payments = new Map<string, string>();
  const counters: Record<string, number> = {};
  let n = 0;
  const count = (what: string) => {
    counters[what] = (counters[what] ?? 0) + 1;
  };
  const handle = (req: StubRequest): StubAnswer => {
    const url = new URL(req.url);
    const path = url.pathname;
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    count(
      `${req.method} ${path
        .replace(/\/(GD|VB|HOP)-[^/]+/, "/{id}")
        .replace(/\/\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}/, "/{code}")
        .replace(/\/999\d{9}/, "/{citizenId}")}`,
    );
    if (path === "/api/v1/procedures") return { status: 200, body: catalogue };
    if (path === "/api/v1/auth/authorize")
      return { status: 200, body: { code: `c${++n}`, state: body.state, redirect_to: "http://127.0.0.1/x" } };
    if (path === "/api/v1/auth/token")
      return {
        status: 200,
        body: {
          access_token: `t${++n}`,
          id_token: "i",
          token_type: "Bearer",
          expires_in: options.tokenTtlS ?? 900,
        },
      };
    if (path.startsWith("/api/v1/citizens/")) {
      if (!req.params.headers?.authorization)
        return { status: 401, body: { error: { code: "UNAUTHORIZED" } } };
      return { status: 200, body: { citizenId: path.slice(17), fullName: "Nguyễn Văn Thử" } };
    }
    if (path === "/api/v1/dossiers" && req.method === "POST") {
      const key = req.params.headers?.["idempotency-key"] ?? "";
      const existing = [...dossiers.values()].find((d) => d.idempotencyKey === key);
      if (existing) return { status: 200, body: existing };
      const agencyCode = String(body.agencyCode);
      const code = `${agencyCode}-250701-${String(dossiers.size + 1).padStart(4, "0")}`;
      const d = { code, status: 1, agencyCode, idempotencyKey: key };
      dossiers.set(code, d);
      return { status: 201, body: d };
    }
    if (path === "/api/v1/dossiers" && req.method === "GET") {
      const key = url.searchParams.get("idempotencyKey");
      return { status: 200, body: { items: [...dossiers.values()].filter((d) => d.idempotencyKey === key) } };
    }
    const transition = /^\/api\/v1\/dossiers\/([^/]+)\/transitions$/.exec(path);
    if (transition) {
      const d = dossiers.get(transition[1] ?? "");
      if (!d) return { status: 404, body: { error: { code: "DOSSIER_NOT_FOUND" } } };
      const to = Number(body.toStatus);
      if (!legal[d.status]?.includes(to))
        return { status: 409, body: { error: { code: "ILLEGAL_TRANSITION" } } };
      d.status = to;
      return { status: 200, body: d };
    }
    const dossier = /^\/api\/v1\/dossiers\/([^/]+)$/.exec(path);
    if (dossier) {
      const d = dossiers.get(dossier[1] ?? "");
      return d ? { status: 200, body: d } : { status: 404, body: { error: { code: "DOSSIER_NOT_FOUND" } } };
    }
    if (path === "/api/v1/payments") {
      const id = `GD-${++n}`;
      payments.set(id, "pending");
      return { status: 201, body: { paymentId: id, dossierCode: body.dossierCode, status: "pending" } };
    }
    const confirm = /^\/api\/v1\/payments\/([^/]+)\/confirm$/.exec(path);
    if (confirm) {
      payments.set(confirm[1] ?? "", "paid");
      return { status: 202, body: { paymentId: confirm[1], status: "processing" } };
    }
    const payment = /^\/api\/v1\/payments\/([^/]+)$/.exec(path);
    if (payment)
      return { status: 200, body: { paymentId: payment[1], status: payments.get(payment[1] ?? "") } };
    if (path === "/api/v1/documents") return { status: 201, body: { id: `VB-${++n}`, state: "draft" } };
    if (/^\/api\/v1\/documents\/VB-\d+\/(forward|sign)$/.test(path)) return { status: 200, body: {} };
    if (path === "/api/v1/reports/dossiers")
      return { status: 200, body: { groupBy: "status", rows: [], scanned: 1 } };
    const meeting = /^\/api\/v1\/meetings\/(HOP-\d{3})(\/join|\/leave)?$/.exec(path);
    if (meeting) {
      const id = meeting[1] ?? "";
      const members = meetings.get(id) ?? new Set<string>();
      meetings.set(id, members);
      const who = String(body.participantId);
      if (meeting[2] === "/join") {
        if (!members.has(who) && members.size >= (options.meetingCapacity ?? 100))
          return { status: 409, body: { error: { code: "MEETING_FULL" } } };
        members.add(who);
      }
      if (meeting[2] === "/leave") members.delete(who);
      return {
        status: 200,
        body: { id, participants: members.size, capacity: options.meetingCapacity ?? 100 },
      };
    }
    if (path === "/login") {
      const s = `S${++n}`;
      sessions.add(s);
      return { status: 200, body: { error_code: "00", message: "ok", session: s, expiresInS: 30 } };
    }
    if (path === "/DongBoHoSoMC" || path === "/CapNhatTienDoHoSoMC") {
      if (!sessions.has(String(body.session)))
        return { status: 200, body: { error_code: "99", message: "session" } };
      if (path === "/DongBoHoSoMC") {
        const hoSo = body.HoSo as { MaHoSo: string; TrangThaiHoSo: number };
        national.set(hoSo.MaHoSo, hoSo.TrangThaiHoSo);
      } else {
        if (!national.has(String(body.MaHoSo)))
          return { status: 200, body: { error_code: "02", message: "unknown" } };
        national.set(String(body.MaHoSo), Number(body.TrangThaiHoSo));
      }
      return { status: 200, body: { error_code: "00", message: "ok" } };
    }
    if (path === "/TraCuuHoSo") {
      const code = url.searchParams.get("MaHoSo") ?? "";
      const status = national.get(code);
      return status === undefined
        ? { status: 200, body: { error_code: "04", message: "none" } }
        : {
            status: 200,
            body: {
              error_code: "00",
              message: "ok",
              data: { MaHoSo: code, TrangThaiHoSo: status, CapNhatLuc: "x" },
            },
          };
    }
    return { status: 404, body: { error: { code: "NOT_FOUND" } } };
  };
  return { handle, dossiers, national, sessions, meetings, counters };
};
