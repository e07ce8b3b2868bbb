import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../kernel/paths.js";
import { runFiles } from "../../kernel/run-files.js";
import { Verdict } from "../../reports/verdict/schema.js";

export const root = projectRoot();

/** Runs the built CLI; bounded in time. */
export const cli = (args: readonly string[], timeoutMs = 300_000) => {
  const res = spawnSync(process.execPath, [join(root, "dist", "cli.js"), ...args], {
    encoding: "utf8",
    timeout: timeoutMs,
    cwd: root,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
};

export const buildCli = (): void => {
  const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], {
    cwd: root,
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
};

/** A run config: the demo's, with overrides, written to a temp file. */
export const configFile = (
  overrides: Record<string, unknown>,
  safety: Record<string, unknown> = {},
): string => {
  const base = JSON.parse(readFileSync(join(root, "examples", "demo.json"), "utf8")) as Record<
    string,
    unknown
  > & {
    safety: Record<string, unknown>;
  };
  const { $schema: _, ...rest } = base;
  const config = { ...rest, ...overrides, safety: { ...base.safety, ...safety } };
  const file = join(mkdtempSync(join(tmpdir(), "ph-config-")), "config.json");
  writeFileSync(file, JSON.stringify(config));
  return file;
};

export interface FinishedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  runDir: string;
  verdict: Verdict;
}

/**
 * Runs the built CLI without blocking this process (for tests that serve something the run talks to); bounded
 * in time: the child is killed past `timeoutMs`.
 */
export const cliAsync = (
  args: readonly string[],
  timeoutMs = 300_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, "dist", "cli.js"), ...args], { cwd: root, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });

/** Reads back the one run directory a run made under `out`. */
const finished = (
  out: string,
  args: readonly string[],
  res: { code: number | null; stdout: string; stderr: string },
): FinishedRun => {
  const dirs = existsSync(out) ? readdirSync(out) : [];
  const runDir = join(out, dirs[0] ?? "missing");
  const verdictFile = runFiles(runDir).verdict;
  if (dirs.length !== 1 || !existsSync(verdictFile))
    throw new Error(`no verdict from ${args.join(" ")} (exit ${res.code}):\n${res.stdout}\n${res.stderr}`);
  return { ...res, runDir, verdict: Verdict.parse(JSON.parse(readFileSync(verdictFile, "utf8"))) };
};

/** `runOnce` without blocking this process. */
export const runOnceAsync = async (args: readonly string[]): Promise<FinishedRun> => {
  const out = mkdtempSync(join(tmpdir(), "ph-out-"));
  return finished(out, args, await cliAsync([...args, "--out", out]));
};

/** Runs `run`/`demo` into a fresh out directory and reads back the one run directory it made. */
export const runOnce = (args: readonly string[]): FinishedRun => {
  const out = mkdtempSync(join(tmpdir(), "ph-out-"));
  return finished(out, args, cli([...args, "--out", out]));
};
