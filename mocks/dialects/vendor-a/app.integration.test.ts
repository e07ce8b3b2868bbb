import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessMock } from "../../testing/in-process.js";
import { vendorACitizen, vendorAClient, vendorASignIn } from "../../testing/vendor-a-client.js";
import { buildVendorAApp } from "./app.js";

const secret = "vendor-a-test-secret-0123";
/** The dialect in front of a real in-process mock (its gateway on loopback); closes both. */
const startDialect = async (overrides: Parameters<typeof startInProcessMock>[1] = {}) => {
  const mock = await startInProcessMock("healthy", overrides);
  const { port } = mock.gateway.server.address() as AddressInfo;
  const app = buildVendorAApp({
    gatewayUrl: `http://127.0.0.1:${port}`,
    clientId: "portal-harness",
    clientSecret: secret,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const close = async () => {
    await app.close();
    await mock.close();
  };
  return { origin, base: `${origin}/vendor-a/api/v2`, close };
};

let dialect: Awaited<ReturnType<typeof startDialect>> | undefined;
let base = "";
let origin = "";

describe("vendor-a dialect in front of the real mock gateway", () => {
  beforeAll(async () => {
    dialect = await startDialect();
    ({ base, origin } = dialect);
  });
  afterAll(async () => {
    await dialect?.close();
  });

  it("signs the application in with the right secret only, and guards every route with its token", async () => {
    const ok = await vendorASignIn(base, secret);
    expect(ok.status).toBe(200);
    expect(ok.body?.ketQua).toBe("OK");
    expect(ok.data.hieuLucGiay).toBe(300);
    expect(String(ok.data.maTruyCap).length).toBeGreaterThan(20);
    const wrong = await vendorASignIn(base, "not-the-secret");
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ ketQua: "LOI", maLoi: "CHUA_XAC_THUC" });
    const { call } = await vendorAClient(base, secret);
    expect((await call("GET", "/thu-tuc", { anonymous: true })).status).toBe(401);
    const forged = await call("GET", "/thu-tuc", { anonymous: true, headers: { "x-ma-ung-dung": "forged" } });
    expect(forged.body).toMatchObject({ ketQua: "LOI", maLoi: "CHUA_XAC_THUC" });
  });

  it("searches and reads procedures in vendor-a's words", async () => {
    const { call } = await vendorAClient(base, secret);
    const page = await call("GET", "/thu-tuc?soLuong=2&viTri=0");
    expect(page.status).toBe(200);
    const list = page.data.danhSach as Record<string, unknown>[];
    expect(list).toHaveLength(2);
    expect(typeof page.data.tongSo).toBe("number");
    expect(Object.keys(list[0] ?? {})).toEqual(expect.arrayContaining(["ma", "ten", "level", "feeVnd"]));
    const one = await call("GET", `/thu-tuc/${String(list[0]?.ma)}`);
    expect(one.data.ma).toBe(list[0]?.ma);
    const missing = await call("GET", "/thu-tuc/9.999999");
    expect(missing.status).toBe(404);
    expect(missing.body?.maLoi).toBe("KHONG_TIM_THAY_THU_TUC");
    const bad = await call("GET", "/thu-tuc/not-a-code");
    expect(bad.status).toBe(400);
    expect(bad.body?.maLoi).toBe("SAI_YEU_CAU");
  });

  it("submits, finds and moves a dossier, with vendor field names and TTnn statuses", async () => {
    const { call } = await vendorAClient(base, secret);
    const citizenId = `999${String(Date.now() % 1e9).padStart(9, "0")}`;
    const citizenToken = await vendorACitizen(call, citizenId);
    const citizen = await call("GET", `/cong-dan/${citizenId}`, { headers: citizenToken });
    expect(citizen.data.soDinhDanh).toBe(citizenId);
    expect((await call("GET", `/cong-dan/${citizenId}`)).body?.maLoi).toBe("CHUA_XAC_THUC");
    const procedure = (await call("GET", "/thu-tuc?soLuong=1")).data.danhSach as { ma: string }[];
    const key = `vendor-a-${Date.now()}`;
    const submission = {
      maThuTuc: procedure[0]?.ma,
      maCoQuan: "000.00.07.H12",
      nguoiNop: { soDinhDanh: citizenId, hoTen: String(citizen.data.hoTen) },
      tepDinhKem: [{ ten: "don.pdf", sizeBytes: 1000, sha256: "a".repeat(64) }],
      fees: [{ ma: "LE_PHI", soTien: 50_000 }],
    };
    const headers = { ...citizenToken, "x-ma-giao-dich": key };
    const created = await call("POST", "/ho-so", { body: submission, headers });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ trangThai: "TT01", maGiaoDich: key, maCoQuan: "000.00.07.H12" });
    expect(created.data).not.toHaveProperty("status");
    const again = await call("POST", "/ho-so", { body: submission, headers });
    expect(again.status).toBe(200);
    expect(again.data.ma).toBe(created.data.ma);
    const code = String(created.data.ma);
    const got = await call("GET", `/ho-so/${code}`);
    expect(got.data).toMatchObject({ ma: code, trangThai: "TT01", nguoiNop: { soDinhDanh: citizenId } });
    expect((got.data.lichSu as { trangThai: string }[])[0]?.trangThai).toBe("TT01");
    expect(typeof got.data.thoiGianTiepNhan).toBe("string");
    const byKey = await call("GET", `/ho-so?maGiaoDich=${key}`);
    expect((byKey.data.danhSach as unknown[]).length).toBe(1);
    const moved = await call("POST", `/ho-so/${code}/chuyen-trang-thai`, {
      body: { toStatus: 2, officerId: "CB-1" },
    });
    expect(moved.data.trangThai).toBe("TT02");
    const gone = await call("GET", "/ho-so/000.00.07.H12-250101-9999");
    expect(gone.body).toMatchObject({ ketQua: "LOI", maLoi: "KHONG_TIM_THAY_HO_SO" });
    const payment = await call("POST", "/thanh-toan", { body: { maHoSo: code, soTien: 50_000 } });
    expect(payment.status).toBe(201);
    expect(payment.data).toMatchObject({ maHoSo: code, soTien: 50_000, trangThai: "pending" });
    const paid = await call("GET", `/thanh-toan/${String(payment.data.maThanhToan)}`);
    expect(paid.data.maThanhToan).toBe(payment.data.maThanhToan);
  });

  it("passes discovery, health and metrics through, and knows no contract path", async () => {
    const { call } = await vendorAClient(base, secret);
    const discovery = await call("GET", "/xac-thuc/cau-hinh");
    expect(String(discovery.data.token_endpoint)).toContain("/api/v1/auth/token");
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    const metrics = await fetch(`${origin}/metrics`);
    expect(await metrics.text()).toContain("# TYPE");
    const contractPath = await fetch(`${origin}/api/v1/dossiers?idempotencyKey=abcdefgh`);
    expect(contractPath.status).toBe(404);
  });
});

describe("vendor-a dialect under overload", () => {
  it("answers the gateway's 503 + Retry-After as 429 QUA_TAI with the same Retry-After", async () => {
    const shedding = await startDialect({
      gateway: { admission: { maxInFlight: 1, maxQueue: 0, maxQueueWaitMs: 1 } },
    });
    try {
      const { call } = await vendorAClient(shedding.base, secret);
      const replies = await Promise.all(
        Array.from({ length: 8 }, () => call("GET", "/bao-cao/ho-so?groupBy=status")),
      );
      const shed = replies.filter((r) => r.status === 429);
      expect(shed.length).toBeGreaterThan(0);
      expect(replies.some((r) => r.status === 503)).toBe(false);
      expect(shed[0]?.headers["retry-after"]).toBeDefined();
      expect(shed[0]?.body).toMatchObject({ ketQua: "LOI", maLoi: "QUA_TAI" });
      const served = replies.find((r) => r.status === 200);
      expect(served?.data).toHaveProperty("rows");
    } finally {
      await shedding.close();
    }
  });
});
