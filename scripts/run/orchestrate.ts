import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChaosEvent } from "../../chaos/events.js";
import { cleanLeftovers } from "../../chaos/leftovers.js";
import { startStack } from "../../chaos/stack.js";
import { Timeline } from "../../chaos/timeline.js";
import { guardedHttp } from "../../engine/net/guarded-fetch.js";
import { engineVersion } from "../../engine/version.js";
import { environmentError, HarnessError, inputError } from "../../kernel/errors.js";
import { ExitCode, type ExitCodeValue } from "../../kernel/exit-codes.js";
import { stopRecorded } from "../../kernel/processes.js";
import { runFiles } from "../../kernel/run-files.js";
import { findLeftovers, RunStateRecorder } from "../../kernel/run-state.js";
import { findTool } from "../../kernel/tools.js";
import { isMockVariant, mockVariantNames } from "../../mocks/variants.js";
import { ProcessCpuSampler } from "../../reports/metrics/process-cpu.js";
import { MetricsScraper, probeMetrics } from "../../reports/metrics/scraper.js";
import { type Reconciliation, reconcile } from "../../reports/reconcile/reconcile.js";
import { readDossierRecords } from "../../reports/reconcile/records.js";
import { analyseRunDir } from "../../reports/run-dir/analyse.js";
import type { EngineSummary, RunMeta } from "../../reports/run-dir/meta.js";
import type { Verdict } from "../../reports/verdict/schema.js";
import type { Lang } from "../../reports/writers/i18n.js";
import type { K6Plan } from "../../scenarios/lib/plan.js";
import { plannedIterations } from "../../scenarios/profiles/compile.js";
import { bundleScenario } from "./bundle.js";
import { renderProgress, startEngine } from "./engine-runner.js";
import type { RunPlan } from "./plan.js";

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

/**
 * One run: stack up, the engine started and waiting, the schedule and the chaos clock released at the same t0,
 * analyse, reconcile, verdict, stack down.
 */
export const executeRun = async (plan: RunPlan, options: RunOptions): Promise<RunResult> => {
  const { say, signal } = options;
  const { config } = plan;
  if (config.target.kind === "mock" && !isMockVariant(config.target.variant))
    throw inputError(
      `target.variant: unknown mock variant "${config.target.variant}" (known: ${mockVariantNames.join(", ")})`,
    );
  const toxiproxy = findTool("toxiproxy");
  if (!toxiproxy)
    throw environmentError(
      "missing tool: toxiproxy. Run `npx portal-harness setup` (or `npm run demo`, which sets up what is missing).",
    );

  const leftovers = findLeftovers(options.outRoot);
  if (leftovers.length > 0) for (const line of await cleanLeftovers(leftovers, "run")) say(line);

  const runId = newRunId();
  const runDir = join(options.outRoot, runId);
  const saved = runFiles(runDir);
  mkdirSync(saved.logs, { recursive: true });
  writeFileSync(
    saved.plan,
    `${JSON.stringify({ config, compiled: plan.compiled, faults: plan.faults, profile: plan.profile, slo: plan.slo }, null, 2)}\n`,
  );
  const recorder = new RunStateRecorder(runDir, runId);
  say(`run ${runId}: ${plan.targetLabel}, profile ${plan.profile.name}, faults ${plan.faults.name}`);

  let stack: Awaited<ReturnType<typeof startStack>> | null = null;
  let started: Awaited<ReturnType<typeof startEngine>> | null = null;
  let timeline: Timeline | null = null;
  // Everything the harness itself sends (metrics scrapes, dossier lookups) goes through the same guarded
  // dialler as the engine's VUs, with the same allowlist.
  const http = guardedHttp({ hosts: config.target.kind === "url" ? config.target.allowHosts : [] });
  const events: ChaosEvent[] = [];
  const abortIf = () => {
    if (signal.aborted) throw new HarnessError(ExitCode.interrupted, ["interrupted"]);
  };
  try {
    const bundle = await bundleScenario(saved.script);
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
    let lastShown = 0;
    started = await startEngine({
      runDir,
      plan: k6Plan,
      workers: config.engine.workers,
      allowHosts: config.target.kind === "url" ? config.target.allowHosts : [],
      onSpawn: (r) => recorder.addChild(r),
      onProgress: (p) => {
        // A line every 5 s: enough to see the load is alive and on plan, without burying the fault lines.
        if (p.elapsedS - lastShown < 5 && p.elapsedS < p.plannedS) return;
        lastShown = p.elapsedS;
        say(`  ${renderProgress(p)}`);
      },
    });
    const engine = started.engine;
    abortIf();

    const eventsFile = saved.events;
    writeFileSync(eventsFile, "");
    // The target's /metrics (queue, failover, sync figures), sampled from just before the load starts. It is
    // read directly, as an operator's monitoring would, not through the citizen link the faults may cut.
    const metricsBase =
      stack.partUrls.gateway ??
      (config.target.kind === "url" ? config.target.baseUrl.replace(/\/$/, "") : stack.citizenUrl);
    const metricsUrl = `${metricsBase}/metrics`;
    const metricsProblem = await probeMetrics(metricsUrl, 1000, http);
    const metricsProbe =
      metricsProblem === null
        ? { url: metricsUrl, reason: null }
        : { url: null, reason: `the target has no usable metrics endpoint (${metricsProblem})` };
    const runLimitMs = (plan.compiled.durationS + 120) * 1000;
    const scraper =
      metricsProblem === null
        ? new MetricsScraper({ url: metricsUrl, file: saved.metrics, maxDurationMs: runLimitMs, http })
        : null;
    scraper?.start();
    const cpu = new ProcessCpuSampler(engine.pid, runLimitMs);
    const { t0Perf: t0, t0EpochMs: wallMs } = started.release();
    cpu.start();
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

    const onAbort = () => engine.stop();
    signal.addEventListener("abort", onAbort, { once: true });
    const outcome = await engine.finished;
    signal.removeEventListener("abort", onAbort);
    await timeline.stop();
    await scraper?.stop();
    abortIf();
    if (outcome.kind !== "result")
      throw new HarnessError(
        outcome.kind === "failed" ? (outcome.exitCode === 2 ? 2 : 3) : 3,
        outcome.kind === "failed"
          ? ["the load engine failed:", ...outcome.lines]
          : [
              `the load engine stopped unexpectedly (exit ${outcome.exitCode}); see ${join(saved.logs, "engine.log")}`,
            ],
      );
    const result = outcome.result;
    if (result.status === "error") throw inputError("the load engine refused to go on:", ...result.reason);
    say(
      `engine finished: ${result.status}${result.reason.length > 0 ? ` (${result.reason.join("; ")})` : ""}; reconciling dossiers and analysing results`,
    );

    cpu.stop();
    const records = await readDossierRecords(saved.console);
    const reconcileStarted = new Date().toISOString();
    const dossiers = await reconcile(records, {
      http,
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
    const cpuResult = cpu.result();
    const engineSummary: EngineSummary = {
      status: result.status,
      exitCode: result.exitCode,
      reason: result.reason,
      workers: result.workers,
      workerStartOffsetsMs: result.workerStartOffsetsMs,
      iterations: result.iterations,
      vusMax: result.vusMax,
    };
    const meta: RunMeta = {
      schemaVersion: 2,
      runId,
      target: plan.targetLabel,
      profile: plan.profile.name,
      faultPlan: plan.faults.name,
      loadStartedAt,
      t0WallMs: wallMs,
      engine: engineSummary,
      plannedIterations: plan.compiled.scenarios.reduce((s, sc) => s + plannedIterations(sc), 0),
      plannedPeakRequestsPerS: plan.compiled.totalPeakRequestsPerS,
      durationS: plan.compiled.durationS,
      metrics: metricsProbe,
      generatorCpu: { mean: cpuResult.mean, peak: cpuResult.peak, cores: cpuResult.cores },
      assumptions: [
        ...plan.profile.assumptions,
        ...plan.compiled.notRun.map(
          (n) =>
            `The ${n.step} share of the mix (${(n.share * 100).toFixed(0)} %) is not run: no ${n.step} journey exists yet.`,
        ),
      ],
      fingerprint: {
        tools: { engine: engineVersion, toxiproxy: stackNow.toxiproxyVersion },
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
    if (started) await stopRecorded(started.engine.record, 5000);
    if (stack) await stack.stop();
    await http.close();
    recorder.end();
  }
};
