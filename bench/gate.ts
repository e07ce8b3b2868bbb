import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { outDir, projectRoot } from "../kernel/paths.js";
import type { Benchmark, BenchResult } from "./lib/result.js";

/** Wall-time goal of `gate`, tools cached (issue: CI gates each release in minutes). */
const goalS = 90;

interface GateJson {
  exitCode: number;
  wallS: number;
  outcome: string | null;
  junit: string;
}

/** One `portal-harness gate --json` against the built-in mock, timed from the outside. */
const timedGate = (out: string): { wallS: number; reported: GateJson | null; exit: number | null } => {
  const began = performance.now();
  const res = spawnSync(
    process.execPath,
    [join(projectRoot(), "dist", "cli.js"), "gate", "--json", "--out", out],
    {
      encoding: "utf8",
      timeout: 300_000,
      cwd: projectRoot(),
    },
  );
  const wallS = (performance.now() - began) / 1000;
  const last = res.stdout.trim().split("\n").at(-1) ?? "";
  let reported: GateJson | null = null;
  try {
    reported = JSON.parse(last) as GateJson;
  } catch {
    reported = null;
  }
  return { wallS, reported, exit: res.status };
};

const testcases = (junit: string): number => (readFileSync(junit, "utf8").match(/<testcase /g) ?? []).length;

/**
 * `npm run bench -- gate`: the CI gate against the built-in mock, three times, wall time measured around the
 * whole command (process start to exit, stack start and reports included).
 */
export const gate: Benchmark = {
  name: "gate",
  description: `portal-harness gate against the built-in mock, 3 runs: wall time (goal < ${goalS} s) and JUnit cases`,
  async run(say): Promise<BenchResult> {
    const out = join(outDir(), "bench-gate");
    mkdirSync(out, { recursive: true });
    const runs = [1, 2, 3].map((i) => {
      const r = timedGate(out);
      say(`run ${i}: ${r.wallS.toFixed(1)} s, exit ${r.exit}, outcome ${r.reported?.outcome ?? "—"}`);
      return r;
    });
    const walls = runs.map((r) => r.wallS);
    const worst = Math.max(...walls);
    const cases = runs[0]?.reported ? testcases(runs[0].reported.junit) : null;
    return {
      name: "gate",
      goal: `every gate run under ${goalS} s wall time with tools cached, exit 0 on the healthy mock`,
      met: worst < goalS && runs.every((r) => r.exit === 0),
      figures: {
        "wall time, run 1 (s)": Number(walls[0]?.toFixed(1)),
        "wall time, run 2 (s)": Number(walls[1]?.toFixed(1)),
        "wall time, run 3 (s)": Number(walls[2]?.toFixed(1)),
        "worst wall time (s)": Number(worst.toFixed(1)),
        "exit codes": runs.map((r) => String(r.exit)).join(", "),
        "JUnit test cases (run 1)": cases,
      },
      notes: [
        "Wall time is measured around the CLI process: stack start (toxiproxy and the mock's parts), 40 s of load, reconciliation, analysis and every report.",
        "Run directories under out/bench-gate/ of the working directory (not committed).",
      ],
    };
  },
};
