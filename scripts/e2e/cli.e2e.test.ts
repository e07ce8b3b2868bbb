import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { engineVersion } from "../../engine/version.js";
import { runFiles } from "../../kernel/run-files.js";
import { toolSpecs } from "../../kernel/tool-versions.js";
import { readK6Points } from "../../reports/analysis/k6-stream.js";
import { buildCli, cli, root, runOnce } from "../testing/run-cli.js";

beforeAll(buildCli);

describe("portal-harness CLI (real processes)", () => {
  it("doctor --json reports the engine, toxiproxy and the machine's socket limits, and exits 0", () => {
    const { code, stdout } = cli(["doctor", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      engine: { version: string; built: boolean };
      toxiproxy: { version: string; pinned: string };
      limits: { openFiles: { soft: number } | null; localPorts: { from: number; to: number } | null };
    };
    console.log(`doctor: engine ${report.engine.version}, toxiproxy ${report.toxiproxy.version}`);
    expect(report).not.toHaveProperty("k6");
    expect(report.engine).toMatchObject({ version: engineVersion, built: true });
    expect(report.toxiproxy.version).toBe("2.12.0");
    expect(report.toxiproxy.pinned).toBe(toolSpecs.toxiproxy.versions[0]);
    expect(report.limits.openFiles?.soft).toBeGreaterThan(0);
  });

  it("an example config with a numeric field turned into a string exits 2 and names the field", () => {
    const config = JSON.parse(readFileSync(join(root, "examples", "demo.json"), "utf8")) as {
      safety: { maxRequestsPerS: unknown };
    };
    config.safety.maxRequestsPerS = "500";
    const file = join(mkdtempSync(join(tmpdir(), "ph-cli-")), "bad.json");
    writeFileSync(file, JSON.stringify(config));
    for (const command of ["plan", "run"]) {
      const { code, stderr } = cli([command, "--config", file]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${file}: safety.maxRequestsPerS: `);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it("plan prints rates, fault windows and safety limits and starts nothing", () => {
    const { code, stdout } = cli(["plan", "--config", join(root, "examples", "demo.json")]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/citizen_browse/);
    expect(stdout).toMatch(/citizen-outage\s+outage\s+citizen-gateway\s+35[-–]40 s/);
    expect(stdout).toMatch(/Safety limits: at most 500 requests\/s/);
    expect(stdout).toMatch(/ASSUMPTION/);
  });

  it("refuses a non-loopback target with exit 2 before sending anything", () => {
    const { code, stderr } = cli(["plan", "--target", "http://192.168.1.10:8080/"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/refused: 192\.168\.1\.10 is not loopback/);
  });

  it("the real engine through real toxiproxy into the mock: verdict valid, outage-window requests fail, others succeed", async () => {
    const { code, stdout, stderr, runDir, verdict } = runOnce([
      "run",
      "--profile",
      join(root, "examples", "profiles", "short-flat.json"),
      "--faults",
      join(root, "examples", "faults", "citizen-outage.json"),
    ]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    console.log(
      `run ${verdict.runId}: engine ${verdict.fingerprint.tools.engine}, toxiproxy ${verdict.fingerprint.tools.toxiproxy}, ${verdict.load.achievedRequests} requests, outcome ${verdict.outcome}`,
    );
    expect(verdict.outcome).toBe("passed");
    const fault = verdict.faults[0];
    if (!fault || fault.appliedStartMs === null || fault.appliedEndMs === null)
      throw new Error("fault not applied");
    expect(Math.abs(fault.startSkewMs ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(250);

    // Tolerance: requests within 250 ms of the outage's applied edges may go either way (in flight while the
    // proxy switched); a reconnecting client may need up to 1 s after re-enabling.
    const t0 = Date.parse(verdict.loadStartedAt);
    const inside = { ok: 0, failed: 0 };
    const outside = { ok: 0, failed: 0 };
    for await (const p of readK6Points(runFiles(runDir).results)) {
      if (p.metric !== "http_req_failed") continue;
      const t = p.timeMs - t0;
      if (t > fault.appliedStartMs + 250 && t < fault.appliedEndMs - 250)
        inside[p.value > 0 ? "failed" : "ok"]++;
      else if (t < fault.appliedStartMs - 250 || t > fault.appliedEndMs + 1000)
        outside[p.value > 0 ? "failed" : "ok"]++;
    }
    console.log(`inside the outage: ${JSON.stringify(inside)}; outside: ${JSON.stringify(outside)}`);
    expect(inside.failed).toBeGreaterThan(50);
    expect(inside.ok).toBe(0);
    expect(outside.ok).toBeGreaterThan(500);
    expect(outside.failed).toBe(0);
    expect(verdict.dossiers.lost).toBe(0);
    expect(verdict.dossiers.acknowledged).toBeGreaterThan(0);
    expect(readFileSync(runFiles(runDir).reportMd, "utf8")).toMatch(/PASSED/);
  });
});
