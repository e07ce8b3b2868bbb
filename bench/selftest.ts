import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { outDir, projectRoot } from "../kernel/paths.js";
import { runSelftest } from "../scripts/commands/selftest.js";
import type { SelftestMatrix } from "../scripts/selftest/matrix.js";
import { type MachineInfo, machineInfo } from "./lib/machine.js";
import type { Benchmark, BenchResult } from "./lib/result.js";

const cellMark = (row: SelftestMatrix["rows"][number], id: string): string => {
  const s = row.cells[id] ?? "absent";
  if (!row.expected.includes(id) || (row.result === "caught" && s !== "failed"))
    return s === "absent" ? "—" : s;
  return s === "failed" ? "**caught**" : `**miss** (${s})`;
};

/** The matrix as Markdown: one row per run, one column per catching criterion, the result last. */
export const matrixMarkdown = (m: SelftestMatrix, machine: MachineInfo): string =>
  [
    "# Selftest: detection matrix",
    "",
    "Each faulty mock variant run with its exposing run config (`scripts/config/exposing-runs.ts`), the healthy",
    "mock with the demo's. A variant is caught when a criterion named for it fails; `not-judged` or absent is a",
    "miss; the healthy mock must fail no criterion at all.",
    "",
    `| variant | ${m.criteria.join(" | ")} | result | run |`,
    `|---|${m.criteria.map(() => "---|").join("")}---|---|`,
    ...m.rows.map(
      (r) =>
        `| ${r.variant}${r.expected.length === 0 ? ` #${r.repeat}` : ""} | ${m.criteria.map((id) => cellMark(r, id)).join(" | ")} | ${r.result}: ${r.detail} | ${r.durationS} s${r.attempts > 1 ? `, ${r.attempts} attempts` : ""} |`,
    ),
    "",
    `Caught ${m.summary.caught}, missed ${m.summary.missed}, false alarms ${m.summary.falseAlarms} in ${m.summary.healthyRuns} healthy run(s), inconclusive ${m.summary.inconclusive}; selftest exit ${m.exitCode}. From ${m.startedAt} to ${m.finishedAt}.`,
    "",
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB; Node ${machine.node}; engine ${machine.engine}; toxiproxy ${machine.toxiproxy ?? "—"}; git ${machine.gitRevision ?? "—"}; ${machine.date}.`,
    "",
  ].join("\n");

/** Healthy runs in the benchmark: five, so the committed matrix also shows the false-alarm rate. */
const healthyRuns = 5;

/**
 * `npm run bench -- selftest`: the full selftest (every faulty variant with its exposing run, the healthy
 * mock), its matrix written to bench/results/selftest-matrix.{json,md} beside the usual result files.
 */
export const selftest: Benchmark = {
  name: "selftest",
  description: `the full selftest with ${healthyRuns} healthy runs: every faulty mock variant caught by its own criterion, no false alarm`,
  async run(say): Promise<BenchResult> {
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const out = join(outDir(), "bench-selftest");
      mkdirSync(out, { recursive: true });
      const m = await runSelftest({ out, repeat: healthyRuns, quick: false, say, signal: controller.signal });
      const dir = join(projectRoot(), "bench", "results");
      const machine = machineInfo();
      // Run directories relative to the working directory: a committed result names no machine's paths.
      const rows = m.rows.map((r) => ({
        ...r,
        runDir: r.runDir === null ? null : relative(process.cwd(), r.runDir),
      }));
      writeFileSync(
        join(dir, "selftest-matrix.json"),
        `${JSON.stringify({ ...m, rows, machine }, null, 2)}\n`,
      );
      writeFileSync(join(dir, "selftest-matrix.md"), matrixMarkdown(m, machine));
      return {
        name: "selftest",
        goal: "every faulty variant caught by the criterion that names it, the healthy mock failing none (exit 0)",
        met: m.exitCode === 0,
        figures: {
          ...Object.fromEntries(m.rows.map((r) => [`${r.variant} #${r.repeat}`, `${r.result}: ${r.detail}`])),
          "selftest exit code": m.exitCode,
        },
        notes: [
          "The matrix with every criterion column is in selftest-matrix.md and selftest-matrix.json.",
          "Run directories under out/bench-selftest/ of the working directory (not committed).",
        ],
      };
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
};
