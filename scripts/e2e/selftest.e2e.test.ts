import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isSameProcess, pollUntil } from "../../kernel/processes.js";
import { RunStateSchema, stateFile } from "../../kernel/run-state.js";
import { requireTool } from "../../kernel/testing/tools.js";
import { Verdict } from "../../reports/verdict/schema.js";
import { exposingRuns } from "../config/exposing-runs.js";
import { SelftestMatrix } from "../selftest/matrix.js";
import { buildCli, root } from "../testing/run-cli.js";

/**
 * `selftest --quick` end to end: real runs of the healthy mock and the quick variants, each with its exposing
 * run config, through the built CLI, toxiproxy and the load engine (and what their verdicts name: the lost and
 * the duplicated dossiers by code); and Ctrl-C in the middle of one.
 */
beforeAll(() => {
  requireTool("toxiproxy");
  buildCli();
});

const quickVariants = Object.entries(exposingRuns)
  .filter(([, r]) => r.quick)
  .map(([v]) => v);

describe("portal-harness selftest", () => {
  it("--quick: the healthy mock raises no false alarm and each quick variant is caught by its own criterion", () => {
    const out = mkdtempSync(join(tmpdir(), "ph-selftest-"));
    const started = Date.now();
    const res = spawnSync(
      process.execPath,
      [join(root, "dist", "cli.js"), "selftest", "--quick", "--json", "--out", out],
      { cwd: root, encoding: "utf8", timeout: 480_000 },
    );
    console.log(`selftest --quick: exit ${res.status} after ${Math.round((Date.now() - started) / 1000)} s`);
    const matrix = SelftestMatrix.parse(JSON.parse(res.stdout));
    for (const r of matrix.rows) console.log(`  ${r.variant}: ${r.result} (${r.detail}), ${r.durationS} s`);
    expect(matrix.quick).toBe(true);
    expect(matrix.rows.map((r) => r.variant)).toEqual(["healthy", ...quickVariants]);
    const [healthy, ...variants] = matrix.rows;
    expect(healthy).toMatchObject({ result: "clean", failedCriteria: [] });
    for (const row of variants) {
      const expected = exposingRuns[row.variant as keyof typeof exposingRuns].catchers;
      expect(row.result, `${row.variant}: ${row.detail}`).toBe("caught");
      expect(expected.some((id) => row.cells[id] === "failed")).toBe(true);
    }
    // Each row is a real run directory with its verdict, under the chosen --out.
    for (const row of matrix.rows) {
      expect(row.runDir?.startsWith(out)).toBe(true);
      expect(existsSync(join(row.runDir ?? "", "verdict.json"))).toBe(true);
    }
    expect(readdirSync(out).length).toBe(matrix.rows.reduce((s, r) => s + r.attempts, 0));
    // What the quick variants' verdicts say about the defect: the dossiers named by code.
    const verdictOf = (variant: string) => {
      const dir = matrix.rows.find((r) => r.variant === variant)?.runDir ?? "";
      return Verdict.parse(JSON.parse(readFileSync(join(dir, "verdict.json"), "utf8")));
    };
    const loss = verdictOf("async-replication-loss");
    expect(loss.dossiers.lost).toBeGreaterThan(0);
    for (const code of loss.dossiers.examples.lost)
      expect(code).toMatch(/^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$/);
    expect(loss.failover.durationMs.value).not.toBeNull();
    const dup = verdictOf("no-idempotency");
    expect(dup.dossiers.duplicated).toBeGreaterThan(0);
    expect(dup.dossiers.examples.duplicated[0]).toMatch(/^\S+-\d{4} \+ \S+-\d{4}/);
    expect(matrix.exitCode).toBe(0);
    expect(res.status).toBe(0);
  }, 540_000);

  it("Ctrl-C stops the run in progress and everything it started, and exits 130", async () => {
    const out = mkdtempSync(join(tmpdir(), "ph-selftest-int-"));
    const child = spawn(
      process.execPath,
      [join(root, "dist", "cli.js"), "selftest", "--quick", "--out", out],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const loadRuns = () => output.includes("load started");
    if (!(await pollUntil(loadRuns, { timeoutMs: 90_000, stopIf: () => child.exitCode !== null }))) {
      child.kill("SIGKILL");
      throw new Error(`the selftest's first run did not start its load:\n${output}`);
    }
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code, output).toBe(130);
    expect(output).not.toContain("Detection matrix");
    // One run was started and no other after the interrupt; nothing it recorded is still alive.
    const dirs = readdirSync(out);
    expect(dirs).toHaveLength(1);
    const state = RunStateSchema.parse(JSON.parse(readFileSync(stateFile(join(out, dirs[0] ?? "")), "utf8")));
    expect(state.children.map((c) => c.name)).toEqual(
      expect.arrayContaining(["toxiproxy", "gateway", "engine"]),
    );
    for (const c of state.children)
      expect(isSameProcess(c.pid, c.startTime), `${c.name} ${c.pid}`).toBe(false);
  }, 180_000);
});
