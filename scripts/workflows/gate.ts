import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ExitCode } from "../../kernel/exit-codes.js";
import { runFiles } from "../../kernel/run-files.js";
import { renderJunit } from "../../reports/writers/junit.js";
import { adapterBaseUrl } from "./adapter-base-url.js";
import {
  describeRun,
  runSummary,
  runWorkflow,
  type WorkflowFlags,
  type WorkflowRun,
  workflowExitCode,
} from "./run-workflow.js";

export interface GateFlags extends WorkflowFlags {
  /** Where the gate's JUnit goes (default `<run dir>/gate-junit.xml`). */
  junit?: string | undefined;
  /** Where the gate's Markdown summary goes (default `<run dir>/gate.md`), e.g. `$GITHUB_STEP_SUMMARY`. */
  summary?: string | undefined;
}

const icon = (r: string) => (r === "passed" ? "✅" : r === "failed" ? "❌" : "⚠️");

/** The gate's Markdown: the result, the required criteria, then the run's own report. */
export const gateMarkdown = (run: WorkflowRun, exitCode: number, wallS: number): string => {
  const head = [
    `# Release gate: ${exitCode === ExitCode.passed ? "PASSED" : "FAILED"} (exit ${exitCode})`,
    "",
    `Battery **${run.battery.name} ${run.battery.version}** against ${run.plan.targetLabel}, ${wallS.toFixed(0)} s wall time, run \`${run.verdict?.runId ?? "?"}\`.`,
    "",
    "| required criterion | result | why |",
    "|---|---|---|",
    ...run.required.map((r) => `| ${r.id} | ${icon(r.result)} ${r.result} | ${r.reason ?? ""} |`),
    "",
  ];
  return `${head.join("\n")}\n${readFileSync(runFiles(run.runDir).reportMd, "utf8")}`;
};

/**
 * `gate`: CI's short battery (40 s of load, a latency window and a short outage), JUnit with one case per
 * criterion (a required one not judged fails), a Markdown summary, exit 0 or 1 (2, 3, 4, 130 as everywhere).
 */
export const gateCommand = async (f: GateFlags, say: (line: string) => void): Promise<number> => {
  const began = performance.now();
  const run = await runWorkflow({ workflow: "gate", defaultSeed: () => 20250701, adapterBaseUrl }, f, say);
  if ("interrupted" in run) return ExitCode.interrupted;
  const code = workflowExitCode(run);
  const wallS = (performance.now() - began) / 1000;
  const junit = f.junit ?? join(run.runDir, "gate-junit.xml");
  const summary = f.summary ?? join(run.runDir, "gate.md");
  for (const file of [junit, summary]) mkdirSync(dirname(file), { recursive: true });
  if (run.verdict)
    writeFileSync(
      junit,
      renderJunit(run.verdict, {
        label: `${run.battery.name} ${run.battery.version}`,
        required: run.required,
      }),
    );
  writeFileSync(summary, gateMarkdown(run, code, wallS));
  if (f.json) {
    say(
      JSON.stringify({
        ...runSummary(run),
        outcome: run.verdict?.outcome ?? null,
        exitCode: code,
        wallS: Math.round(wallS * 10) / 10,
        junit,
        summary,
      }),
    );
    return code;
  }
  for (const line of describeRun(run)) say(line);
  say(`gate:    ${code === ExitCode.passed ? "PASSED" : "FAILED"} in ${wallS.toFixed(1)} s (exit ${code})`);
  say(`junit:   ${junit}`);
  say(`summary: ${summary}`);
  return code;
};
