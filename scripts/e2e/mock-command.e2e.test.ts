import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isSameProcess } from "../../kernel/processes.js";
import { runFiles } from "../../kernel/run-files.js";
import { RunStateSchema } from "../../kernel/run-state.js";
import { listenOnLoopback } from "../../kernel/testing/servers.js";
import { vendorACitizen, vendorAClient, vendorASignIn } from "../../mocks/testing/vendor-a-client.js";
import { root } from "../testing/run-cli.js";
import { startVendorAMock } from "../testing/vendor-a-mock.js";

const secret = "e2e-vendor-a-secret-7f3a";

/** The built CLI with exactly this environment (no secret unless given); bounded in time. */
const cliWithEnv = (args: readonly string[], env: NodeJS.ProcessEnv) => {
  const res = spawnSync(process.execPath, [join(root, "dist", "cli.js"), ...args], {
    encoding: "utf8",
    timeout: 60_000,
    cwd: root,
    env,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
};

const envWithoutSecret = (): NodeJS.ProcessEnv => {
  const { PH_VENDOR_A_CLIENT_SECRET: _, ...rest } = process.env;
  return rest;
};

const readState = (runDir: string) =>
  RunStateSchema.parse(JSON.parse(readFileSync(runFiles(runDir).state, "utf8")));

describe("portal-harness mock", () => {
  it("serves the vendor-a dialect in front of the mock, then stops everything on SIGINT", async () => {
    const out = mkdtempSync(join(tmpdir(), "ph-mock-"));
    const mock = await startVendorAMock({ secret, out });
    try {
      expect(mock.baseUrl).toBe(`http://127.0.0.1:${mock.port}/vendor-a/api/v2`);
      expect((await vendorASignIn(mock.baseUrl, "wrong-secret-123")).status).toBe(401);
      const { call } = await vendorAClient(mock.baseUrl, secret);
      const page = await call("GET", "/thu-tuc?tuKhoa=&soLuong=1");
      expect(page.status).toBe(200);
      const procedure = (page.data.danhSach as { ma: string }[])[0];
      const citizenId = `999${String(Date.now() % 1e9).padStart(9, "0")}`;
      const citizen = await vendorACitizen(call, citizenId);
      const key = `mock-e2e-${Date.now()}`;
      const submission = {
        maThuTuc: procedure?.ma,
        maCoQuan: "000.00.07.H12",
        nguoiNop: { soDinhDanh: citizenId, hoTen: "Nguyễn Văn A" },
        tepDinhKem: [],
        fees: [],
      };
      const headers = { ...citizen, "x-ma-giao-dich": key };
      const created = await call("POST", "/ho-so", { body: submission, headers });
      expect(created.status).toBe(201);
      const got = await call("GET", `/ho-so/${String(created.data.ma)}`);
      expect(got.data).toMatchObject({ ma: created.data.ma, trangThai: "TT01", maGiaoDich: key });
      expect(got.data).toHaveProperty("thoiGianTiepNhan");
      expect(got.data).not.toHaveProperty("code");
      const again = await call("POST", "/ho-so", { body: submission, headers });
      expect(again.status).toBe(200);
      expect(again.data.ma).toBe(created.data.ma);
      const contractPath = await fetch(`${mock.origin}/api/v1/dossiers/${String(created.data.ma)}`);
      expect(contractPath.status).toBe(404);
    } finally {
      expect(await mock.stop()).toBe(0);
    }
    const state = readState(mock.runDir);
    expect(state.ended).toBe(true);
    expect(state.children.length).toBeGreaterThan(5);
    expect(state.children.filter((c) => isSameProcess(c.pid, c.startTime))).toEqual([]);
  });

  it("serves the contract itself without a dialect", async () => {
    const out = mkdtempSync(join(tmpdir(), "ph-mock-"));
    await using mock = await startVendorAMock({ secret, out, dialect: "contract" });
    const res = await fetch(`${mock.baseUrl}/api/v1/procedures?limit=1`, {
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("exits 3 with one line and a hint when the port is in use", async () => {
    await using held = await listenOnLoopback(createServer());
    const out = mkdtempSync(join(tmpdir(), "ph-mock-"));
    const res = cliWithEnv(["mock", "--port", String(held.port), "--out", out], envWithoutSecret());
    expect(res.code).toBe(3);
    expect(res.stderr.trim().split("\n")).toEqual([
      `mock: port ${held.port} on 127.0.0.1 is in use`,
      "hint: pick another with --port N, or stop what holds it",
    ]);
  });

  it("exits 2 without the vendor-a secret, or on an unknown dialect or variant", () => {
    const out = mkdtempSync(join(tmpdir(), "ph-mock-"));
    const missing = cliWithEnv(["mock", "--dialect", "vendor-a", "--out", out], envWithoutSecret());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("PH_VENDOR_A_CLIENT_SECRET is not set");
    expect(missing.stderr).toContain("hint:");
    const dialect = cliWithEnv(["mock", "--dialect", "vendor-z", "--out", out], envWithoutSecret());
    expect(dialect.code).toBe(2);
    expect(dialect.stderr).toContain("known: contract, vendor-a");
    const variant = cliWithEnv(["mock", "--variant", "nope", "--out", out], envWithoutSecret());
    expect(variant.code).toBe(2);
    expect(variant.stderr).toContain("healthy");
  });
});
