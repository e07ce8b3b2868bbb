import { basename } from "node:path";
import { parseArgs } from "node:util";
import { inputError, isHarnessError } from "../kernel/errors.js";
import { ExitCode } from "../kernel/exit-codes.js";
import { outDir } from "../kernel/paths.js";
import { runFiles } from "../kernel/run-files.js";
import { criterionLine } from "../reports/writers/criterion-line.js";
import type { Lang } from "../reports/writers/i18n.js";
import { requireConsent } from "./commands/consent.js";
import { renderDoctor, runDoctor } from "./commands/doctor.js";
import { execCommand } from "./commands/exec.js";
import { mockCommand, withStopSignals } from "./commands/mock.js";
import { planJson, renderPlan, renderPlanSummary } from "./commands/plan.js";
import { compareCommand, parseLang, reportCommand } from "./commands/report.js";
import { selftestCommand } from "./commands/selftest.js";
import { configPath, exposingRun, healthyConfig } from "./config/exposing-runs.js";
import { type ConfigFlags, loadRunConfig } from "./config/load.js";
import { executeRun } from "./run/orchestrate.js";
import { buildRunPlan } from "./run/plan.js";
import { ensureExtras } from "./tools/setup-extras.js";
import { ensureTools } from "./tools/setup-tools.js";
import { refuseMisplacedOptions, workflowCommand, workflowOptions } from "./workflows/flags.js";
import { withInterrupts } from "./workflows/interrupts.js";

const usage = `portal-harness: load and resilience tests for the public service portal

Usage: portal-harness <command> [options]

Workflows (each runs a fixed, versioned battery; --battery NAME|FILE to choose another):
  inspect   a surprise inspection: a short, safe battery with a fault plan drawn from a fresh seed the
            target did not see; --auth-ref REF (required) and --inspector NAME are recorded with the
            fingerprint and a rerun command in inspection.json
  certify   a vendor's certification before go-live: every required criterion must be judged and pass;
            writes certificate.json and certificate.html (--sign-key FILE: Ed25519 signature);
            certify --verify CERT RUN_DIR [--public-key FILE] recomputes the verdict and checks every hash
  gate      a CI release gate: 40 s of load with two faults, JUnit (--junit FILE) and Markdown
            (--summary FILE), exit 0 or 1
  Their target: the built-in mock (default, --variant NAME), --target URL, or a vendor's API through an
  adapter: --adapter FILE [--target URL] (secrets from the environment or files the adapter names, never
  flags); --allow-host HOST (repeatable) for a host that is not loopback, with --yes; --scale N, --seed N,
  --json (one JSON document at the end, nothing else), --out DIR

Commands:
  demo      July-1-shaped load against the built-in healthy mock, with a latency and an outage window;
            demo --variant NAME: a faulty mock variant with the run that exposes its defect
  selftest  the healthy mock (the demo) and every faulty variant with its exposing run, each a real run;
            prints the detection matrix (variant × criterion). --quick: the healthy mock and the short
            variants only; --repeat N: N healthy runs; --json; --out DIR. Exit 0 every variant caught and
            no false alarm, 1 a miss or a false alarm, 4 a run inconclusive twice
  run       run a battery: --config FILE and/or --profile NAME|FILE --faults NAME|FILE
  plan      dry run: print rates per scenario, fault windows and safety limits; starts nothing
  doctor    check the engine build, toxiproxy, Go, the open-file limit and local port range, free ports
            and leftovers of crashed runs (--json, --clean)
  exec      SCRIPT: run any script written to the k6 API (async subset) on the harness's engine, as k6 run
            would (--out json=FILE, --env K=V, --vus N, --duration D, --iterations N, --summary-export FILE,
            --console-output FILE, --workers N, --allow-host HOST; loopback only by default;
            --max-bytes N stops it past N bytes sent + received, --max-error-rate R [0.5] past that share
            of failed requests after 10 s; caps no flag or script can raise: 50,000 iterations/s,
            100,000 VUs, 24 h, 100 GB)
  mock      serve the mock portal on 127.0.0.1:PORT until Ctrl-C: the contract, or with --dialect vendor-a
            a vendor's API in front of it (client secret from PH_VENDOR_A_CLIENT_SECRET; adapter
            examples/adapters/vendor-a.json); --port N [8480], --variant NAME, --json (one ready line)
  report    RUN_DIR: rebuild verdict.json, report.html, report.md and junit.xml from a run's saved data
  compare   RUN_A RUN_B: what got better or worse; exit 1 on a regression beyond the tolerances
            (--latency-tolerance PCT [10], --latency-slack MS [5], --error-rate-tolerance PP [0.5],
            --duration-tolerance MS [1000], --json)
  setup     build the pinned toxiproxy from source into the tools cache (needs Go 1.22+; skipped when cached)
  setup --extras
            instead: install what the tests and benchmarks use and is missing, from Debian's packages
            (needs root and apt-get): chromium, podman and runc (writing /etc/containers/containers.conf),
            wrk, and nginx (installed, neither started nor enabled as a service)

Options for run and plan (flags override the config file):
  --config FILE      run config (JSON, see examples/ and examples/schemas/)
  --profile NAME|FILE, --faults NAME|FILE|random[:SEED], --slo NAME|FILE, --scale N, --seed N
                     (--faults random draws a plan from --seed the target did not see in advance)
  --variant NAME     mock variant (healthy, no-idempotency, ...)
  --target URL|mock  a loopback or allowlisted URL instead of the mock
  --allow-host HOST  a host beyond loopback the URL target may be on (repeatable)
  --adapter FILE     the URL target speaks a vendor's API this adapter maps (adapters/README.md)
  --yes              (run, demo) send traffic to a target other than the mock or loopback without asking;
                     without it, run asks on a terminal and exits 2 without one (the plan is shown first)
  --out DIR          where run directories go (default ./out)
  --workers N        the load engine's worker threads (default 1)
  --json             (plan, doctor, compare, selftest) machine-readable output
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
  dialect: { type: "string" },
  port: { type: "string" },
  target: { type: "string" },
  out: { type: "string", multiple: true },
  json: { type: "boolean" },
  quick: { type: "boolean" },
  repeat: { type: "string" },
  clean: { type: "boolean" },
  extras: { type: "boolean" },
  lang: { type: "string" },
  workers: { type: "string" },
  env: { type: "string", multiple: true },
  vus: { type: "string" },
  duration: { type: "string" },
  iterations: { type: "string" },
  "summary-export": { type: "string" },
  "console-output": { type: "string" },
  "allow-host": { type: "string", multiple: true },
  "max-bytes": { type: "string" },
  "max-error-rate": { type: "string" },
  yes: { type: "boolean" },
  "latency-tolerance": { type: "string" },
  "latency-slack": { type: "string" },
  "error-rate-tolerance": { type: "string" },
  "duration-tolerance": { type: "string" },
  help: { type: "boolean", short: "h" },
  ...workflowOptions,
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
  workers: v.workers as string | undefined,
  adapter: v.adapter as string | undefined,
  allowHosts: v["allow-host"] as string[] | undefined,
});

const runCommand = async (flags: ConfigFlags, out: string, lang: Lang, yes: boolean): Promise<number> => {
  const plan = buildRunPlan(loadRunConfig(flags));
  // The plan is shown, and consent given, before any lookup or packet.
  for (const line of renderPlanSummary(plan)) say(line);
  await requireConsent({
    target: plan.config.target,
    yes,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  });
  return withInterrupts(say, async (signal) => {
    const result = await executeRun(plan, { outRoot: out, say, signal, lang });
    if (signal.aborted) return ExitCode.interrupted;
    const v = result.verdict;
    if (v) {
      say("");
      for (const c of v.criteria) say(criterionLine(c));
      for (const r of v.inconclusiveReasons) say(`  INCONCLUSIVE  ${r}`);
      say("");
      say(`outcome: ${v.outcome} (exit ${result.exitCode})`);
    }
    const files = runFiles(result.runDir);
    say(`verdict: ${files.verdict}`);
    say(`report:  ${files.reportHtml} (also ${basename(files.reportMd)}, ${basename(files.junit)})`);
    return result.exitCode;
  });
};

/**
 * `demo` runs examples/demo.json; `demo --variant NAME` a faulty variant's exposing run (scripts/config/
 * exposing-runs.ts), saying what it exposes and which criteria must catch it. `--config` wins over both.
 */
const demoConfig = (config: unknown, variant: unknown): string => {
  if (typeof config === "string") return config;
  if (typeof variant !== "string" || variant === "healthy") return configPath(healthyConfig);
  const exposing = exposingRun(variant);
  say(`demo --variant ${variant}: ${exposing.exposes}`);
  say(`  must be caught by ${exposing.catchers.join(" or ")} (run config ${exposing.config})`);
  return configPath(exposing.config);
};

export const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    say(usage);
    return command ? ExitCode.passed : ExitCode.badInput;
  }
  let values: Record<string, unknown>;
  let positionals: string[];
  const takesPositionals =
    command === "report" || command === "compare" || command === "exec" || command === "certify";
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
  refuseMisplacedOptions(command, values);
  const outs = (values.out as string[] | undefined) ?? [];
  if (command !== "exec" && outs.length > 1) throw inputError(`${command}: --out is given more than once`);
  const out = outDir(command === "exec" ? undefined : outs[0]);
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
      say(values.json ? planJson(plan) : renderPlan(plan));
      return ExitCode.passed;
    }
    case "run":
      return runCommand(configFlags(values), out, parseLang(values.lang), Boolean(values.yes));
    case "demo":
      return runCommand(
        { ...configFlags(values), config: demoConfig(values.config, values.variant) },
        out,
        parseLang(values.lang),
        Boolean(values.yes),
      );
    case "selftest":
      return selftestCommand(
        {
          out,
          repeat: values.repeat as string | undefined,
          quick: Boolean(values.quick),
          json: Boolean(values.json),
        },
        say,
      );
    case "exec":
      return execCommand(
        positionals,
        {
          out: outs,
          env: (values.env as string[] | undefined) ?? [],
          vus: values.vus as string | undefined,
          duration: values.duration as string | undefined,
          iterations: values.iterations as string | undefined,
          summaryExport: values["summary-export"] as string | undefined,
          consoleOutput: values["console-output"] as string | undefined,
          workers: values.workers as string | undefined,
          allowHost: (values["allow-host"] as string[] | undefined) ?? [],
          maxBytes: values["max-bytes"] as string | undefined,
          maxErrorRate: values["max-error-rate"] as string | undefined,
          json: Boolean(values.json),
        },
        say,
      );
    case "mock":
      return withStopSignals((signal) =>
        mockCommand({
          variant: values.variant as string | undefined,
          dialect: values.dialect as string | undefined,
          port: values.port as string | undefined,
          json: Boolean(values.json),
          out,
          say,
          signal,
        }),
      );
    case "inspect":
    case "certify":
    case "gate":
      return workflowCommand(command, values, positionals, out, say);
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
