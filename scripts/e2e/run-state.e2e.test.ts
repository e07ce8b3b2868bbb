import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanLeftovers } from "../../chaos/leftovers.js";
import { projectRoot } from "../../kernel/paths.js";
import { isSameProcess, pollUntil } from "../../kernel/processes.js";
import { findLeftovers, type RunState, RunStateSchema, stateFile } from "../../kernel/run-state.js";
import type { DoctorReport } from "../commands/doctor.js";

/**
 * Kills the CLI mid-run, three times with SIGINT and three times with SIGKILL, and checks that nothing the
 * run started survives: after SIGINT the run cleans up itself and exits 130; after SIGKILL the next command
 * (`doctor --clean`) finds and removes every leftover process and proxy.
 */
const root = projectRoot();
const work = mkdtempSync(join(tmpdir(), "ph-kill-"));
const planFile = join(work, "kill-test-faults.json");
const configFile = join(work, "config.json");

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], {
    cwd: root,
    encoding: "utf8",
  });
  expect(build.status, build.stderr).toBe(0);
  // Toxics are in force on two links when the CLI is killed.
  writeFileSync(
    planFile,
    JSON.stringify({
      schemaVersion: 1,
      name: "kill-test",
      faults: [
        {
          id: "slow-citizens",
          kind: "latency",
          link: "citizen-gateway",
          startS: 0.2,
          durationS: 15,
          params: { latencyMs: 20 },
        },
        {
          id: "slow-primary",
          kind: "latency",
          link: "gateway-dossier-primary",
          startS: 0.2,
          durationS: 15,
          params: { latencyMs: 10 },
        },
      ],
    }),
  );
  writeFileSync(
    configFile,
    JSON.stringify({ schemaVersion: 1, profile: "smoke", faults: planFile, analysis: { baselineMinS: 0 } }),
  );
});

afterAll(async () => {
  // Whatever a failed assertion left behind: stop it through the same records, then drop the directory.
  for (const dir of readdirSync(work, { withFileTypes: true }))
    if (dir.isDirectory()) await cleanLeftovers(findLeftovers(join(work, dir.name)), "test cleanup");
  rmSync(work, { recursive: true, force: true });
});

/** Starts `run`, waits until the load runs and both faults are applied, then sends `signal`. */
const runAndKill = async (out: string, signal: "SIGINT" | "SIGKILL") => {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, "dist", "cli.js"), "run", "--config", configFile, "--out", out],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  const exited = new Promise<number | null>((r) =>
    child.once("exit", (code, sig) => r(code ?? (sig ? -1 : null))),
  );
  const applied = () => stdout.includes("load started") && stdout.includes("apply slow-primary");
  if (!(await pollUntil(applied, { timeoutMs: 60_000, stopIf: () => child.exitCode !== null }))) {
    child.kill("SIGKILL");
    throw new Error(`the run did not get its faults applied:\n${stdout}`);
  }
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, stdout };
};

const stateOf = (out: string): RunState => {
  const [runDir] = readdirSync(out);
  return RunStateSchema.parse(JSON.parse(readFileSync(stateFile(join(out, runDir ?? "")), "utf8")));
};

const doctor = (out: string, clean: boolean): DoctorReport => {
  const res = spawnSync(
    process.execPath,
    [join(root, "dist", "cli.js"), "doctor", "--json", "--out", out, ...(clean ? ["--clean"] : [])],
    { cwd: root, encoding: "utf8", timeout: 60_000 },
  );
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as DoctorReport;
};

/** No recorded process is alive, and no recorded proxy exists on a toxiproxy that answers. */
const expectNothingLeft = async (state: RunState) => {
  expect(state.children.map((c) => c.name)).toEqual(
    expect.arrayContaining(["toxiproxy", "gateway", "dossier-primary", "engine"]),
  );
  for (const c of state.children)
    expect(isSameProcess(c.pid, c.startTime), `${c.name} pid ${c.pid}`).toBe(false);
  expect(state.proxies.length).toBeGreaterThanOrEqual(2);
  for (const p of state.proxies) {
    const status = await fetch(`${p.adminUrl}/proxies/${p.name}`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status,
      () => "no toxiproxy",
    );
    expect([404, "no toxiproxy"]).toContain(status);
  }
};

describe("kill the CLI mid-run (real engine, toxiproxy and mock)", () => {
  it.each([1, 2, 3])("SIGINT #%i: the run cleans up itself and exits 130", async (i) => {
    const out = join(work, `int-${i}`);
    const { code, stdout } = await runAndKill(out, "SIGINT");
    expect(code, stdout).toBe(130);
    expect(stdout).toContain("interrupted: stopping the engine");
    const state = stateOf(out);
    expect(state.ended).toBe(true);
    await expectNothingLeft(state);
    expect(doctor(out, false).leftovers).toEqual([]);
  });

  it.each([1, 2, 3])("SIGKILL #%i: doctor finds the leftovers and --clean removes them all", async (i) => {
    const out = join(work, `kill-${i}`);
    const { code } = await runAndKill(out, "SIGKILL");
    expect(code).toBe(-1);
    const before = stateOf(out);
    expect(before.ended).toBe(false);
    expect(before.children.every((c) => isSameProcess(c.pid, c.startTime))).toBe(true);
    const found = doctor(out, false);
    expect(found.leftovers).toHaveLength(1);
    expect(found.leftovers[0]).toMatchObject({
      liveChildren: before.children.length,
      proxies: before.proxies.length,
    });
    const cleaned = doctor(out, true);
    expect(cleaned.cleaned.join("\n")).toMatch(/stopped leftover engine/);
    expect(cleaned.cleaned.join("\n")).toMatch(/removed \d+ leftover proxies/);
    const after = stateOf(out);
    expect(after).toMatchObject({ ended: true, cleanedBy: "doctor" });
    await expectNothingLeft(after);
    expect(doctor(out, false).leftovers).toEqual([]);
  });
});
