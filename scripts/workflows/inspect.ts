import { readFileSync, writeFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join, relative } from "node:path";
import { z } from "zod";
import { inputError } from "../../kernel/errors.js";
import { ExitCode } from "../../kernel/exit-codes.js";
import { Fingerprint } from "../../kernel/fingerprint.js";
import { projectRoot } from "../../kernel/paths.js";
import { runFiles } from "../../kernel/run-files.js";
import { adapterBaseUrl } from "./adapter-base-url.js";
import {
  describeRun,
  freshSeed,
  runWorkflow,
  type WorkflowFlags,
  type WorkflowRun,
  workflowExitCode,
} from "./run-workflow.js";

export interface InspectFlags extends WorkflowFlags {
  /** The authorisation the inspection runs under (a decision number); required. */
  authRef?: string | undefined;
  /** Who runs it (default: the user running the harness). */
  inspector?: string | undefined;
}

/** `inspection.json`: who inspected what, when, under which authorisation, and how to run it again. */
export const Inspection = z.object({
  schemaVersion: z.literal(1),
  workflow: z.literal("inspect"),
  authorisationRef: z.string(),
  inspector: z.string(),
  machine: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  target: z.object({ label: z.string(), baseUrl: z.string().nullable(), adapter: z.string().nullable() }),
  battery: z.object({ name: z.string(), version: z.string() }),
  seed: z.number(),
  faultPlan: z.object({ name: z.string(), faults: z.number() }),
  outcome: z.string().nullable(),
  required: z.array(z.object({ id: z.string(), result: z.string(), reason: z.string().optional() })),
  fingerprint: Fingerprint,
  /** The command that reruns the same battery, plan and seed (secrets come from the same environment). */
  rerun: z.string(),
});
export type Inspection = z.infer<typeof Inspection>;

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const rel = (file: string) => {
  const r = relative(projectRoot(), file);
  return r.startsWith("..") ? file : r;
};

/** The command line that reruns an inspection: same battery, target, adapter, allowlist and seed. */
export const rerunCommand = (run: WorkflowRun, f: InspectFlags): string => {
  const t = run.plan.config.target;
  const args = ["npx", "portal-harness", "inspect", "--battery", rel(run.batteryFile)];
  if (t.kind === "mock") args.push("--variant", t.variant);
  else {
    args.push("--target", t.baseUrl);
    if (t.adapter !== undefined) args.push("--adapter", t.adapter);
    for (const h of t.allowHosts) args.push("--allow-host", h);
  }
  args.push("--seed", String(run.plan.config.seed), "--auth-ref", f.authRef ?? "");
  if (run.plan.config.scale !== undefined && run.plan.config.scale !== run.battery.scale)
    args.push("--scale", String(run.plan.config.scale));
  return args.map(quote).join(" ");
};

const inspectionRecord = (run: WorkflowRun, f: InspectFlags, authRef: string): Inspection => {
  const meta = JSON.parse(readFileSync(runFiles(run.runDir).meta, "utf8")) as { fingerprint: unknown };
  const t = run.plan.config.target;
  return {
    schemaVersion: 1,
    workflow: "inspect",
    authorisationRef: authRef,
    inspector: f.inspector ?? userInfo().username,
    machine: hostname(),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    target: {
      label: run.plan.targetLabel,
      baseUrl: t.kind === "url" ? t.baseUrl : null,
      adapter: t.kind === "url" ? (t.adapter ?? null) : null,
    },
    battery: { name: run.battery.name, version: run.battery.version },
    seed: run.plan.config.seed,
    faultPlan: { name: run.plan.faults.name, faults: run.plan.faults.faults.length },
    outcome: run.verdict?.outcome ?? null,
    required: run.required,
    fingerprint: Fingerprint.parse(meta.fingerprint),
    rerun: rerunCommand(run, f),
  };
};

/** `inspection.md`: the record for the inspection's file, readable without tools. */
export const renderInspection = (r: Inspection): string =>
  [
    `# Inspection ${r.authorisationRef}: ${r.outcome ?? "no verdict"}`,
    "",
    "| | |",
    "|---|---|",
    `| authorisation | ${r.authorisationRef} |`,
    `| inspector | ${r.inspector} (on ${r.machine}) |`,
    `| from – to | ${r.startedAt} – ${r.finishedAt} |`,
    `| target | ${r.target.label} |`,
    `| battery | ${r.battery.name} ${r.battery.version} |`,
    `| fault plan | ${r.faultPlan.name} (${r.faultPlan.faults} faults, seed ${r.seed}, not known to the target in advance) |`,
    `| harness | ${r.fingerprint.harnessVersion ?? "?"}, git ${r.fingerprint.gitRevision ?? "unknown"}, Node ${r.fingerprint.node} |`,
    `| tools | ${Object.entries(r.fingerprint.tools)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")} |`,
    "",
    "## Required criteria",
    "",
    ...r.required.map((q) => `- **${q.result}** ${q.id}${q.reason === undefined ? "" : `: ${q.reason}`}`),
    "",
    "## Input files (SHA-256)",
    "",
    ...Object.entries(r.fingerprint.inputFiles ?? {}).map(([f, h]) => `- \`${f}\` ${h}`),
    "",
    "## Run it again",
    "",
    "```sh",
    r.rerun,
    "```",
    "",
    "The verdict and every criterion are in `report.html` and `report.md` beside this file.",
    "",
  ].join("\n");

/**
 * `inspect`: a surprise inspection. A short, safe battery with a fault plan drawn from a fresh seed the
 * target did not see in advance; records the authorisation reference, who ran it, when and against what,
 * and a fingerprint to rerun it from (`inspection.json` and `inspection.md` in the run directory, beside the
 * reports).
 */
export const inspectCommand = async (f: InspectFlags, say: (line: string) => void): Promise<number> => {
  const authRef = f.authRef?.trim() ?? "";
  if (authRef === "")
    throw inputError(
      "inspect: --auth-ref: missing: an inspection records the authorisation it runs under",
      'hint: give the decision or order number, e.g. --auth-ref "QD-123/2026"',
    );
  const run = await runWorkflow({ workflow: "inspect", defaultSeed: freshSeed, adapterBaseUrl }, f, say);
  if ("interrupted" in run) return ExitCode.interrupted;
  const record = inspectionRecord(run, f, authRef);
  const file = join(run.runDir, "inspection.json");
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(run.runDir, "inspection.md"), renderInspection(record));
  const code = workflowExitCode(run);
  if (f.json) {
    say(JSON.stringify({ ...record, runDir: run.runDir, exitCode: code }));
    return code;
  }
  for (const line of describeRun(run)) say(line);
  say(`inspection: ${file}`);
  say(
    `  authorisation ${authRef}, by ${record.inspector}, seed ${record.seed} (${record.faultPlan.faults} faults)`,
  );
  say(`  rerun: ${record.rerun}`);
  return code;
};
