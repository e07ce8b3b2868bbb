import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChaosEvent } from "../../chaos/events.js";
import { Timeline } from "../../chaos/timeline.js";
import { isMockVariant, mockVariantNames } from "../../mocks/variants.js";
import { ProcessCpuSampler } from "../../reports/metrics/process-cpu.js";
import { MetricsScraper, probeMetrics } from "../../reports/metrics/scraper.js";
import { type Reconciliation, reconcile } from "../../reports/reconcile/reconcile.js";
import { readDossierRecords } from "../../reports/reconcile/records.js";
import { analyseRunDir } from "../../reports/run-dir/analyse.js";
import { runFiles } from "../../reports/run-dir/files.js";
import type { RunMeta } from "../../reports/run-dir/meta.js";
import type { Verdict } from "../../reports/verdict/schema.js";
import type { Lang } from "../../reports/writers/i18n.js";
import type { K6Plan } from "../../scenarios/lib/plan.js";
import { plannedIterations } from "../../scenarios/profiles/compile.js";
import { environmentError, HarnessError, inputError } from "../lib/errors.js";
import { ExitCode, type ExitCodeValue } from "../lib/exit-codes.js";
import { allocatePorts } from "../lib/ports.js";
import { stopRecorded } from "../lib/processes.js";
import { findTool } from "../tools/find-tools.js";
import { bundleScenario } from "./bundle.js";
import { k6Files, startK6 } from "./k6-runner.js";
import type { RunPlan } from "./plan.js";
import { cleanLeftovers, findLeftovers, RunStateRecorder } from "./run-state.js";
import { startStack } from "./stack.js";

export interface RunResult {
  runDir: string;
  verdict: Verdict | null;
  exitCode: ExitCodeValue;
}

export const newRunId = (now = new Date()): string => {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(3).toString("hex")}`;
};

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

const gitRevision = (): string | null => {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
};

export const exitCodeFor = (outcome: Verdict["outcome"]): ExitCodeValue =>
  outcome === "passed" ? ExitCode.passed : outcome === "failed" ? ExitCode.failed : ExitCode.inconclusive;

export interface RunOptions {
  outRoot: string;
  say: (line: string) => void;
  signal: AbortSignal;
  /** Language of the reports (English by default). */
  lang?: Lang;
}

/** One run: stack up, paused k6, resume with the chaos clock, analyse, reconcile, verdict, stack down. */
export const executeRun = async (plan: RunPlan, options: RunOptions): Promise<RunResult> => {
  const { say, signal } = options;
  const { config } = plan;
  if (config.target.kind === "mock" && !isMockVariant(config.target.variant))
    throw inputError(
      `target.variant: unknown mock variant "${config.target.variant}" (known: ${mockVariantNames.join(", ")})`,
    );
  const k6 = findTool("k6");
  const toxiproxy = findTool("toxiproxy");
  if (!k6 || !toxiproxy)
    throw environmentError(
      `missing tool: ${!k6 ? "k6" : "toxiproxy"}. Run \`npx portal-harness setup\` (or \`npm run demo\`, which sets up what is missing).`,
    );

  const leftovers = findLeftovers(options.outRoot);
  if (leftovers.length > 0) for (const line of await cleanLeftovers(leftovers, "run")) say(line);

  const runId = newRunId();
  const runDir = join(options.outRoot, runId);
  mkdirSync(join(runDir, "logs"), { recursive: true });
  mkdirSync(join(runDir, "k6"), { recursive: true });
  writeFileSync(
    join(runDir, "plan.json"),
    `${JSON.stringify({ config, compiled: plan.compiled, faults: plan.faults, profile: plan.profile, slo: plan.slo }, null, 2)}\n`,
  );
  const recorder = new RunStateRecorder(runDir, runId);
  say(`run ${runId}: ${plan.targetLabel}, profile ${plan.profile.name}, faults ${plan.faults.name}`);

  let stack: Awaited<ReturnType<typeof startStack>> | null = null;
  let k6Proc: Awaited<ReturnType<typeof startK6>> | null = null;
  let timeline: Timeline | null = null;
  const events: ChaosEvent[] = [];
  const abortIf = () => {
    if (signal.aborted) throw new HarnessError(ExitCode.interrupted, ["interrupted"]);
  };
  try {
    const bundle = await bundleScenario(join(runDir, "k6", "script.js"));
    abortIf();
    say("starting toxiproxy and the mock portal");
    stack = await startStack({
      runId,
      runDir,
      target: config.target,
      seed: config.seed,
      toxiproxyBinary: toxiproxy.path,
      recorder,
    });
    abortIf();
    const [apiPort] = (await allocatePorts(1)) as [number];
    const k6Plan: K6Plan = {
      runId,
      baseUrl: stack.citizenUrl,
      officerUrl: stack.officerUrl,
      nationalUrl: stack.linkUrls["province-national"],
      seed: config.seed,
      pollsPerSubmission: plan.compiled.pollsPerSubmission,
      journeys: plan.compiled.journeys,
      requestTimeoutS: config.safety.requestTimeoutS,
      fatal: {
        errorRate: Math.min(config.safety.abortOnErrorRate, plan.slo.fatal.errorRate),
        p99Ms: plan.slo.fatal.p99Ms,
        graceS: plan.slo.fatal.graceS,
      },
      provinces: plan.profile.provinces,
      scenarios: plan.compiled.scenarios,
    };
    const files = k6Files(runDir);
    k6Proc = await startK6(k6.path, bundle.file, files, k6Plan, apiPort, (r) => recorder.addChild(r));
    recorder.addChild(k6Proc.record);
    abortIf();

    const saved = runFiles(runDir);
    const eventsFile = saved.events;
    writeFileSync(eventsFile, "");
    // The target's /metrics (queue, failover, sync figures), sampled from just before the load starts. It is
    // read directly, as an operator's monitoring would, not through the citizen link the faults may cut.
    const metricsBase =
      stack.partUrls.gateway ??
      (config.target.kind === "url" ? config.target.baseUrl.replace(/\/$/, "") : stack.citizenUrl);
    const metricsUrl = `${metricsBase}/metrics`;
    const metricsProblem = await probeMetrics(metricsUrl);
    const metricsProbe =
      metricsProblem === null
        ? { url: metricsUrl, reason: null }
        : { url: null, reason: `the target has no usable metrics endpoint (${metricsProblem})` };
    const runLimitMs = (plan.compiled.durationS + 120) * 1000;
    const scraper =
      metricsProblem === null
        ? new MetricsScraper({ url: metricsUrl, file: saved.metrics, maxDurationMs: runLimitMs })
        : null;
    scraper?.start();
    const cpu = k6Proc.child.pid === undefined ? null : new ProcessCpuSampler(k6Proc.child.pid, runLimitMs);
    const { t0, wallMs } = await k6Proc.resume();
    cpu?.start();
    const stackNow = stack;
    timeline = new Timeline({
      client: stackNow.client,
      plan: plan.faults,
      proxyFor: stackNow.proxyFor,
      t0,
      onEvent: (e) => {
        events.push(e);
        appendFileSync(eventsFile, `${JSON.stringify(e)}\n`);
        say(
          `  ${(e.appliedMs / 1000).toFixed(2)} s  ${e.phase} ${e.faultId} (${e.kind} on ${e.link}${e.phase === "step" ? `: ${e.step}` : ""})${e.outcome === "ok" ? "" : `: ${e.outcome} ${e.error ?? ""}`}`,
        );
      },
    });
    timeline.start();
    const loadStartedAt = new Date(wallMs).toISOString();
    say(`load started at ${loadStartedAt}; ${plan.compiled.durationS} s planned`);

    const proc = k6Proc;
    const onAbort = () => proc.child.kill("SIGINT");
    signal.addEventListener("abort", onAbort, { once: true });
    const k6Exit = await proc.exited;
    signal.removeEventListener("abort", onAbort);
    await timeline.stop();
    await scraper?.stop();
    abortIf();
    say(`k6 finished (exit ${k6Exit}); reconciling dossiers and analysing results`);

    cpu?.stop();
    const records = await readDossierRecords(files.console);
    const reconcileStarted = new Date().toISOString();
    const dossiers = await reconcile(records, {
      baseUrl: stackNow.citizenUrl,
      stuckAfterS: config.criteria.stuckAfterS,
    });
    abortIf();
    // Saved so that `portal-harness report` can rebuild every report without the portal.
    const reconciliation: Reconciliation = {
      schemaVersion: 1,
      portal: stackNow.citizenUrl,
      startedAt: reconcileStarted,
      finishedAt: new Date().toISOString(),
      stuckAfterS: config.criteria.stuckAfterS,
      summary: dossiers,
    };
    writeFileSync(saved.reconciliation, `${JSON.stringify(reconciliation, null, 2)}\n`);
    const cpuResult = cpu?.result();
    const meta: RunMeta = {
      schemaVersion: 1,
      runId,
      target: plan.targetLabel,
      profile: plan.profile.name,
      faultPlan: plan.faults.name,
      loadStartedAt,
      t0WallMs: wallMs,
      k6ExitCode: k6Exit,
      plannedIterations: plan.compiled.scenarios.reduce((s, sc) => s + plannedIterations(sc), 0),
      plannedPeakRequestsPerS: plan.compiled.totalPeakRequestsPerS,
      durationS: plan.compiled.durationS,
      metrics: metricsProbe,
      generatorCpu: cpuResult
        ? { mean: cpuResult.mean, peak: cpuResult.peak, cores: cpuResult.cores }
        : { mean: { value: null, reason: "k6's process id was not known" }, peak: null, cores: 0 },
      assumptions: [
        ...plan.profile.assumptions,
        ...plan.compiled.notRun.map(
          (n) =>
            `The ${n.step} share of the mix (${(n.share * 100).toFixed(0)} %) is not run: no ${n.step} journey exists yet.`,
        ),
      ],
      fingerprint: {
        tools: { k6: k6.version, toxiproxy: stackNow.toxiproxyVersion },
        configHash: sha256(JSON.stringify(config)),
        profileHash: sha256(JSON.stringify(plan.profile)),
        faultPlanHash: sha256(JSON.stringify(plan.faults)),
        scenarioBundleHash: bundle.sha256,
        seed: config.seed,
        gitRevision: gitRevision(),
        node: process.version,
      },
    };
    writeFileSync(saved.meta, `${JSON.stringify(meta, null, 2)}\n`);
    const { verdict } = await analyseRunDir(runDir, { lang: options.lang ?? "en" });
    return { runDir, verdict, exitCode: exitCodeFor(verdict.outcome) };
  } finally {
    if (timeline) await timeline.stop();
    if (k6Proc) await stopRecorded(k6Proc.record, 5000);
    if (stack) await stack.stop();
    recorder.end();
  }
};
