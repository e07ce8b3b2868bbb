import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Lang } from "../reports/writers/i18n.js";
import { renderDoctor, runDoctor } from "./commands/doctor.js";
import { renderPlan } from "./commands/plan.js";
import { compareCommand, parseLang, reportCommand } from "./commands/report.js";
import { type ConfigFlags, loadRunConfig } from "./config/load.js";
import { inputError, isHarnessError } from "./lib/errors.js";
import { ExitCode } from "./lib/exit-codes.js";
import { outDir, projectRoot } from "./lib/paths.js";
import { executeRun } from "./run/orchestrate.js";
import { buildRunPlan } from "./run/plan.js";
import { ensureExtras } from "./tools/setup-extras.js";
import { ensureTools } from "./tools/setup-tools.js";

const usage = `portal-harness: load and resilience tests for the public service portal

Usage: portal-harness <command> [options]

Commands:
  demo      July-1-shaped load against the built-in healthy mock, with a latency and an outage window
  run       run a battery: --config FILE and/or --profile NAME|FILE --faults NAME|FILE
  plan      dry run: print rates per scenario, fault windows and safety limits; starts nothing
  doctor    check tools, versions, ports and leftovers of crashed runs (--json, --clean)
  report    RUN_DIR: rebuild verdict.json, report.html, report.md and junit.xml from a run's saved data
  compare   RUN_A RUN_B: what got better or worse; exit 1 on a regression beyond the tolerances
            (--latency-tolerance PCT [10], --latency-slack MS [5], --error-rate-tolerance PP [0.5],
            --duration-tolerance MS [1000], --json)
  setup     build the pinned k6 and toxiproxy from source into the tools cache
            (--extras: Debian's chromium and podman, used by the test suites)

Options for run and plan (flags override the config file):
  --config FILE      run config (JSON, see examples/ and examples/schemas/)
  --profile NAME|FILE, --faults NAME|FILE|random[:SEED], --slo NAME|FILE, --scale N, --seed N
                     (--faults random draws a plan from --seed the target did not see in advance)
  --variant NAME     mock variant (healthy, no-idempotency, ...)
  --target URL|mock  a loopback or allowlisted URL instead of the mock
  --out DIR          where run directories go (default ./out)
  --json             (plan, doctor, compare) machine-readable output
  --lang en|vi       (run, demo, report) report language, English by default

Exit codes: 0 passed, 1 verdict failed, 2 bad input or refused target, 3 environment,
4 inconclusive, 130 interrupted.`;

const options = {
  config: { type: "string" },
  profile: { type: "string" },
  faults: { type: "string" },
  slo: { type: "string" },
  scale: { type: "string" },
  seed: { type: "string" },
  variant: { type: "string" },
  target: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  clean: { type: "boolean" },
  extras: { type: "boolean" },
  lang: { type: "string" },
  "latency-tolerance": { type: "string" },
  "latency-slack": { type: "string" },
  "error-rate-tolerance": { type: "string" },
  "duration-tolerance": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const configFlags = (v: Record<string, unknown>): ConfigFlags => ({
  config: v.config as string | undefined,
  profile: v.profile as string | undefined,
  faults: v.faults as string | undefined,
  slo: v.slo as string | undefined,
  scale: v.scale as string | undefined,
  seed: v.seed as string | undefined,
  variant: v.variant as string | undefined,
  target: v.target as string | undefined,
});

const runCommand = async (flags: ConfigFlags, out: string, lang: Lang): Promise<number> => {
  const plan = buildRunPlan(loadRunConfig(flags));
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) say("interrupted: stopping k6, faults, proxies and the mock; please wait");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  try {
    const result = await executeRun(plan, { outRoot: out, say, signal: controller.signal, lang });
    if (controller.signal.aborted) return ExitCode.interrupted;
    const v = result.verdict;
    if (v) {
      say("");
      for (const c of v.criteria)
        say(`  ${c.passed ? "pass" : "FAIL"}  ${c.title}: ${c.observed ?? "—"} ${c.unit} (≤ ${c.threshold})`);
      for (const r of v.inconclusiveReasons) say(`  INCONCLUSIVE  ${r}`);
      say("");
      say(`outcome: ${v.outcome} (exit ${result.exitCode})`);
    }
    say(`verdict: ${join(result.runDir, "verdict.json")}`);
    say(`report:  ${join(result.runDir, "report.html")} (also report.md, junit.xml)`);
    return result.exitCode;
  } catch (e) {
    if (controller.signal.aborted) return ExitCode.interrupted;
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
  }
};

export const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    say(usage);
    return command ? ExitCode.passed : ExitCode.badInput;
  }
  let values: Record<string, unknown>;
  let positionals: string[];
  const takesPositionals = command === "report" || command === "compare";
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options,
      allowPositionals: takesPositionals,
      strict: true,
    }));
  } catch (e) {
    throw inputError(`${command}: ${(e as Error).message}`);
  }
  if (values.help) {
    say(usage);
    return ExitCode.passed;
  }
  const out = outDir(values.out as string | undefined);
  switch (command) {
    case "setup":
      if (values.extras) ensureExtras(say);
      else await ensureTools(say);
      return ExitCode.passed;
    case "doctor": {
      const report = await runDoctor(out, Boolean(values.clean));
      say(values.json ? JSON.stringify(report, null, 2) : renderDoctor(report));
      return report.ok ? ExitCode.passed : ExitCode.environment;
    }
    case "plan": {
      const plan = buildRunPlan(loadRunConfig(configFlags(values)));
      say(
        values.json
          ? JSON.stringify({ compiled: plan.compiled, faults: plan.faults, config: plan.config }, null, 2)
          : renderPlan(plan),
      );
      return ExitCode.passed;
    }
    case "run":
      return runCommand(configFlags(values), out, parseLang(values.lang));
    case "demo":
      return runCommand(
        {
          ...configFlags(values),
          config: (values.config as string | undefined) ?? join(projectRoot(), "examples", "demo.json"),
        },
        out,
        parseLang(values.lang),
      );
    case "report":
      return reportCommand(positionals, parseLang(values.lang), say);
    case "compare":
      return compareCommand(positionals, values, say);
    default:
      throw inputError(`unknown command "${command}"; see portal-harness --help`);
  }
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (isHarnessError(e)) {
      for (const line of e.lines) process.stderr.write(`${line}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`portal-harness: unexpected error: ${(e as Error).message ?? String(e)}\n`);
    if (process.env.PORTAL_HARNESS_DEBUG) process.stderr.write(`${(e as Error).stack ?? ""}\n`);
    process.exit(ExitCode.environment);
  },
);
