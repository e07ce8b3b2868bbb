import { randomInt } from "node:crypto";
import { basename } from "node:path";
import { inputError } from "../../kernel/errors.js";
import { ExitCode, type ExitCodeValue } from "../../kernel/exit-codes.js";
import { runFiles } from "../../kernel/run-files.js";
import { type RequiredResult, requiredCriterion } from "../../reports/verdict/required.js";
import type { Verdict } from "../../reports/verdict/schema.js";
import { criterionLine } from "../../reports/writers/criterion-line.js";
import type { Lang } from "../../reports/writers/i18n.js";
import { type Battery, batteryRunConfig, type LoadedBattery, loadBattery } from "../batteries/battery.js";
import { requireConsent } from "../commands/consent.js";
import { renderPlanSummary } from "../commands/plan.js";
import type { Target } from "../config/run-config.js";
import { executeRun } from "../run/orchestrate.js";
import { buildRunPlan, type RunPlan } from "../run/plan.js";
import { withInterrupts } from "./interrupts.js";

/** What every workflow takes from the command line. Secrets are never among them. */
export interface WorkflowFlags {
  /** `mock` (default) or a URL: with `adapter`, the vendor API's base URL (the adapter's own when absent). */
  target?: string | undefined;
  variant?: string | undefined;
  adapter?: string | undefined;
  allowHosts: readonly string[];
  battery?: string | undefined;
  scale?: string | undefined;
  seed?: string | undefined;
  workers?: string | undefined;
  out: string;
  json: boolean;
  yes: boolean;
  lang: Lang;
}

const number = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw inputError(`--${flag}: "${text}" is not a number`);
  return n;
};

/** The target the flags name: the mock (a variant of it), a URL, or a vendor API through an adapter. */
export const workflowTarget = (f: WorkflowFlags, adapterBaseUrl?: (file: string) => string): Target => {
  if (f.adapter !== undefined) {
    if (f.variant !== undefined) throw inputError("--variant: only the built-in mock has variants");
    const baseUrl = f.target !== undefined && f.target !== "mock" ? f.target : adapterBaseUrl?.(f.adapter);
    if (baseUrl === undefined) throw inputError("--target: give the vendor API's base URL with --adapter");
    return { kind: "url", baseUrl, allowHosts: [...f.allowHosts], adapter: f.adapter };
  }
  if (f.target !== undefined && f.target !== "mock") {
    if (f.variant !== undefined) throw inputError("--variant: only the built-in mock has variants");
    return { kind: "url", baseUrl: f.target, allowHosts: [...f.allowHosts] };
  }
  return { kind: "mock", variant: f.variant ?? "healthy" };
};

export interface WorkflowRun {
  battery: Battery;
  batteryFile: string;
  plan: RunPlan;
  runDir: string;
  verdict: Verdict | null;
  /** The run's own exit code (the verdict's outcome). */
  exitCode: ExitCodeValue;
  required: RequiredResult[];
  startedAt: string;
  finishedAt: string;
}

export interface WorkflowSpec {
  workflow: Battery["workflow"];
  /** The seed when none is given: inspections draw a fresh one, so the target cannot know the plan. */
  defaultSeed: () => number;
  adapterBaseUrl: (file: string) => string;
}

/** A fresh 32-bit seed for a plan the target did not see in advance. */
export const freshSeed = (): number => randomInt(1, 2 ** 32 - 1);

/**
 * Plans the battery against the target (every check before any packet: battery, adapter, secrets, allowlist,
 * caps), shows the plan, asks for consent where needed, runs it, and says which required criteria were met.
 * With `json` nothing is printed: the caller prints one JSON document at the end.
 */
export const runWorkflow = async (
  spec: WorkflowSpec,
  f: WorkflowFlags,
  sayAlways: (line: string) => void,
): Promise<WorkflowRun | { interrupted: true }> => {
  const say = f.json ? () => {} : sayAlways;
  const loaded: LoadedBattery = loadBattery(f.battery ?? spec.workflow, spec.workflow);
  const target = workflowTarget(f, spec.adapterBaseUrl);
  const scale = number("scale", f.scale);
  const workers = number("workers", f.workers);
  const config = batteryRunConfig(loaded, target, {
    ...(scale === undefined ? {} : { scale }),
    seed: number("seed", f.seed) ?? spec.defaultSeed(),
    ...(workers === undefined ? {} : { workers }),
  });
  const plan = buildRunPlan(config);
  const { battery } = loaded;
  say(`${spec.workflow}: battery ${battery.name} ${battery.version}: ${battery.description}`);
  for (const line of renderPlanSummary(plan)) say(line);
  await requireConsent({
    target: plan.config.target,
    yes: f.yes,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  });
  const startedAt = new Date().toISOString();
  let outcome: WorkflowRun | null = null;
  const code = await withInterrupts(say, async (signal) => {
    const result = await executeRun(plan, {
      outRoot: f.out,
      say,
      signal,
      lang: f.lang,
      // The plan hashes the profile, fault plan, SLO and adapter it read; the battery file is the workflow's.
      inputFiles: [loaded.file],
    });
    const criteria = result.verdict?.criteria ?? [];
    outcome = {
      battery,
      batteryFile: loaded.file,
      plan,
      runDir: result.runDir,
      verdict: result.verdict,
      exitCode: result.exitCode,
      required: battery.required.map((id) => requiredCriterion(criteria, id)),
      startedAt,
      finishedAt: new Date().toISOString(),
    };
    return result.exitCode;
  });
  if (code === ExitCode.interrupted || outcome === null) return { interrupted: true };
  return outcome;
};

/** The verdict's criteria and the required ones' results, as the CLI prints them. */
export const describeRun = (run: WorkflowRun): string[] => {
  const lines: string[] = [""];
  for (const c of run.verdict?.criteria ?? []) lines.push(criterionLine(c));
  for (const r of run.verdict?.inconclusiveReasons ?? []) lines.push(`  INCONCLUSIVE  ${r}`);
  lines.push("", `required by ${run.battery.name} ${run.battery.version}:`);
  for (const r of run.required)
    lines.push(
      `  ${r.result.toUpperCase().padEnd(6)}  ${r.id}${r.reason === undefined ? "" : `: ${r.reason}`}`,
    );
  const files = runFiles(run.runDir);
  lines.push(
    "",
    `outcome: ${run.verdict?.outcome ?? "none"}`,
    `report:  ${files.reportHtml} (also ${basename(files.reportMd)}, ${basename(files.junit)})`,
  );
  return lines;
};

/** The fields every workflow's `--json` document starts with (the battery is the workflow's own). */
export const runSummary = (run: WorkflowRun) => ({
  workflow: run.battery.workflow,
  battery: { name: run.battery.name, version: run.battery.version },
  target: run.plan.targetLabel,
  runDir: run.runDir,
  required: run.required,
});

/** Exit code of a workflow: the run's, except that a required criterion missed or failed is a failure (1). */
export const workflowExitCode = (run: WorkflowRun): ExitCodeValue => {
  if (run.exitCode !== ExitCode.passed) return run.exitCode;
  return run.required.every((r) => r.result === "passed") ? ExitCode.passed : ExitCode.failed;
};
