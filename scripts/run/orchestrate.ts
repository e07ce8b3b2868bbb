import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startBridge } from "../../adapters/bridge.js";
import { probeAdapter } from "../../adapters/probe.js";
import type { ChaosEvent } from "../../chaos/events.js";
import { cleanLeftovers } from "../../chaos/leftovers.js";
import { type Stack, startStack } from "../../chaos/stack.js";
import { Timeline } from "../../chaos/timeline.js";
import type { EngineResult } from "../../engine/config.js";
import { type GuardedHttp, guardedHttp } from "../../engine/net/guarded-fetch.js";
import { engineVersion } from "../../engine/version.js";
import { environmentError, HarnessError, inputError } from "../../kernel/errors.js";
import { ExitCode, type ExitCodeValue, exitCodeForOutcome } from "../../kernel/exit-codes.js";
import { buildFingerprint } from "../../kernel/fingerprint.js";
import { stopRecorded } from "../../kernel/processes.js";
import { type RunFiles, runFiles } from "../../kernel/run-files.js";
import { findLeftovers, RunStateRecorder } from "../../kernel/run-state.js";
import { findSecrets, Redactor } from "../../kernel/secrets.js";
import { findTool } from "../../kernel/tools.js";
import { isMockVariant, mockVariantNames } from "../../mocks/variants.js";
import { ProcessCpuSampler } from "../../reports/metrics/process-cpu.js";
import { MetricsScraper, probeMetrics } from "../../reports/metrics/scraper.js";
import { lastFaultEndWallMs, reconcileEverything } from "../../reports/reconcile/everything.js";
import type { Reconciliation } from "../../reports/reconcile/reconcile.js";
import { readDossierRecords, readPaymentRecords } from "../../reports/reconcile/records.js";
import { analyseRunDir } from "../../reports/run-dir/analyse.js";
import type { RunMeta } from "../../reports/run-dir/meta.js";
import type { Verdict } from "../../reports/verdict/schema.js";
import type { Lang } from "../../reports/writers/i18n.js";
import type { K6Plan } from "../../scenarios/lib/plan.js";
import { plannedIterations } from "../../scenarios/profiles/compile.js";
import { bundleScenario } from "./bundle.js";
import { renderProgress, type StartedEngine, startEngine } from "./engine-runner.js";
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

export interface RunOptions {
  outRoot: string;
  say: (line: string) => void;
  signal: AbortSignal;
  /** Language of the reports (English by default). */
  lang?: Lang;
  /** Input files beyond the plan's own (a workflow's battery), hashed into the fingerprint. */
  inputFiles?: readonly string[];
}

/**
 * One run, stage by stage: refuse what cannot run, clean what crashed runs left, prepare the run directory, bring
 * the stack up, start the engine and the probes, release the load and the fault timeline at one t0 and watch,
 * reconcile the dossiers, write the run's meta, analyse. Whatever a stage started is stopped when the run
 * leaves this function, however it leaves (`await using`, last started first: the timeline, the engine and
 * probes, the stack, the harness's HTTP client; then the run is marked ended).
 */
export const executeRun = async (plan: RunPlan, options: RunOptions): Promise<RunResult> => {
  const toxiproxyBinary = refuseWhatCannotRun(plan);
  await cleanEarlierLeftovers(options);
  await using run = prepareRunDir(plan, options);
  await using http = harnessHttp(plan);
  const bundle = await bundleScenario(run.files.script);
  run.abortIf();
  await using stack = await startTargetStack(plan, run, toxiproxyBinary, http);
  run.abortIf();
  await using load = await startEngineAndProbes(plan, run, stack, http);
  run.abortIf();
  await using watch = releaseAndWatch(plan, run, stack, load);
  const result = await awaitLoad(run, load, watch);
  await reconcileRun(plan, run, { stack, http, t0WallMs: watch.t0WallMs });
  writeRunMeta(plan, run, {
    result,
    load,
    watch,
    toxiproxyVersion: stack.toxiproxyVersion,
    bundleHash: bundle.sha256,
    inputFiles: options.inputFiles ?? [],
  });
  const analysed = await analyse(run, options.lang ?? "en");
  await scrubSecrets(run);
  return analysed;
};

/**
 * Stage 9, for a run with secrets: a last search of every file the run wrote (gzipped ones unpacked) for a
 * secret or a token. Nothing should be found, since no secret is ever written; a find is a defect of the
 * harness, said loudly, and the run is refused (exit 3) so its files are not passed on.
 */
const scrubSecrets = async (run: Run): Promise<void> => {
  const values = run.redactor.values();
  if (Object.keys(values).length === 0) return;
  const hits = await findSecrets(run.runDir, values);
  if (hits.length === 0) return;
  throw environmentError(
    `a secret was written into the run directory: ${[...new Set(hits.map((h) => h.file))].join(", ")}`,
    "hint: this is a defect of the harness; do not share this run directory, and report which file it was",
  );
};

/** Stage 0: a run refused before anything starts (unknown variant: exit 2; no toxiproxy: exit 3). */
const refuseWhatCannotRun = (plan: RunPlan): string => {
  const { target } = plan.config;
  if (target.kind === "mock" && !isMockVariant(target.variant))
    throw inputError(
      `target.variant: unknown mock variant "${target.variant}" (known: ${mockVariantNames.join(", ")})`,
    );
  const toxiproxy = findTool("toxiproxy");
  if (!toxiproxy)
    throw environmentError(
      "missing tool: toxiproxy. Run `npx portal-harness setup` (or `npm run demo`, which sets up what is missing).",
    );
  return toxiproxy.path;
};

/** What runs that crashed or were killed left behind under the same out folder is stopped first. */
const cleanEarlierLeftovers = async (options: RunOptions): Promise<void> => {
  const leftovers = findLeftovers(options.outRoot);
  if (leftovers.length > 0) for (const line of await cleanLeftovers(leftovers, "run")) options.say(line);
};

/** The run's folder, its record of what it starts, and how it says things; disposing marks the run ended. */
interface Run extends AsyncDisposable {
  runId: string;
  runDir: string;
  files: RunFiles;
  recorder: RunStateRecorder;
  /** The adapter's secrets and the tokens its sign-in obtains: never written anywhere (see `scrubSecrets`). */
  redactor: Redactor;
  say: (line: string) => void;
  signal: AbortSignal;
  /** Throws the interrupt (exit 130) once the run was told to stop. */
  abortIf(): void;
}

/** Stage 1: `out/<run-id>/` with its logs folder, the resolved plan (`plan.json`) and the state record. */
const prepareRunDir = (plan: RunPlan, options: RunOptions): Run => {
  const runId = newRunId();
  const runDir = join(options.outRoot, runId);
  const files = runFiles(runDir);
  mkdirSync(files.logs, { recursive: true });
  const { config, compiled, faults, profile, slo } = plan;
  writeFileSync(files.plan, `${JSON.stringify({ config, compiled, faults, profile, slo }, null, 2)}\n`);
  const recorder = new RunStateRecorder(runDir, runId);
  options.say(`run ${runId}: ${plan.targetLabel}, profile ${plan.profile.name}, faults ${plan.faults.name}`);
  return {
    runId,
    runDir,
    files,
    recorder,
    redactor: new Redactor(plan.adapter?.secrets ?? {}),
    say: options.say,
    signal: options.signal,
    abortIf: () => {
      if (options.signal.aborted) throw new HarnessError(ExitCode.interrupted, ["interrupted"]);
    },
    [Symbol.asyncDispose]: async () => recorder.end(),
  };
};

/**
 * Everything the harness itself sends (metrics scrapes, dossier lookups) goes through the same guarded dialler
 * as the engine's VUs, with the same allowlist.
 */
const harnessHttp = (plan: RunPlan): GuardedHttp & AsyncDisposable => {
  const { target } = plan.config;
  const http = guardedHttp({ hosts: target.kind === "url" ? target.allowHosts : [] });
  return Object.assign(http, { [Symbol.asyncDispose]: () => http.close() });
};

/**
 * Stage 2: toxiproxy, one proxy per link, and the mock's parts behind them (or the staging target's link).
 * With an adapter, the bridge that speaks the contract in front of that link, and its read-only probes: a
 * wrong adapter or secret stops the run here, before any load.
 */
const startTargetStack = async (
  plan: RunPlan,
  run: Run,
  toxiproxyBinary: string,
  http: GuardedHttp,
): Promise<Stack> => {
  const { adapter } = plan;
  run.say(
    adapter
      ? `starting toxiproxy in front of ${plan.config.target.kind === "url" ? new URL(plan.config.target.baseUrl).host : "the target"} and the adapter bridge (${adapter.adapter.name})`
      : plan.config.target.kind === "mock"
        ? "starting toxiproxy and the mock portal"
        : "starting toxiproxy in front of the target",
  );
  // The probes run on the upstream the bridge is given, before it starts: a failure there is a failed stack
  // start, so the stack stops what it started.
  const adapterBridge = adapter
    ? async (upstream: string) => {
        const o = {
          adapter: adapter.adapter,
          secrets: adapter.secrets,
          upstream,
          http,
          redactor: run.redactor,
        };
        run.say("probing the adapter with read-only calls (sign-in, catalogue, discovery)");
        const checks = await probeAdapter(o);
        run.say(`  ${checks.map((c) => `${c.operation} ${c.status} (${c.ms} ms)`).join(", ")}`);
        return startBridge({ ...o, log: (line) => appendFileSync(run.files.logOf("bridge"), `${line}\n`) });
      }
    : undefined;
  return startStack({
    runId: run.runId,
    runDir: run.runDir,
    target: plan.config.target,
    seed: plan.config.seed,
    toxiproxyBinary,
    recorder: run.recorder,
    ...(adapterBridge ? { adapterBridge } : {}),
  });
};

/** What the scenarios are told (`PH_PLAN`): the stack's URLs, the compiled scenarios and the fatal limits. */
const scenarioPlan = (plan: RunPlan, run: Run, stack: Stack): K6Plan => {
  const { config, compiled, slo } = plan;
  return {
    runId: run.runId,
    baseUrl: stack.citizenUrl,
    officerUrl: stack.officerUrl,
    nationalUrl: stack.linkUrls["province-national"],
    seed: config.seed,
    pollsPerSubmission: compiled.pollsPerSubmission,
    journeys: compiled.journeys,
    requestTimeoutS: config.safety.requestTimeoutS,
    fatal: {
      errorRate: Math.min(config.safety.abortOnErrorRate, slo.fatal.errorRate),
      p99Ms: slo.fatal.p99Ms,
      graceS: slo.fatal.graceS,
    },
    provinces: plan.profile.provinces,
    scenarios: compiled.scenarios,
  };
};

/** The engine waiting for t0, the target's metrics scraper and the generator's CPU sampler. */
interface Load extends AsyncDisposable {
  started: StartedEngine;
  scraper: MetricsScraper | null;
  cpu: ProcessCpuSampler;
  metricsProbe: RunMeta["metrics"];
  /** Stops the scraper (once) and waits for its last sample. */
  stopScraper(): Promise<void>;
}

/** Stage 3: the engine started (init and setup run, waiting for t0), and the probes that watch the load. */
const startEngineAndProbes = async (
  plan: RunPlan,
  run: Run,
  stack: Stack,
  http: GuardedHttp,
): Promise<Load> => {
  const { config } = plan;
  let lastShown = 0;
  const started = await startEngine({
    runDir: run.runDir,
    plan: scenarioPlan(plan, run, stack),
    workers: config.engine.workers,
    allowHosts: config.target.kind === "url" ? config.target.allowHosts : [],
    caps: { maxVUs: config.safety.maxVUs, maxBytes: config.safety.maxBytes },
    onSpawn: (r) => run.recorder.addChild(r),
    onProgress: (p) => {
      // A line every 5 s: enough to see the load is alive and on plan, without burying the fault lines.
      if (p.elapsedS - lastShown < 5 && p.elapsedS < p.plannedS) return;
      lastShown = p.elapsedS;
      run.say(`  ${renderProgress(p)}`);
    },
  });
  try {
    return await startProbes(plan, run, stack, started, http);
  } catch (e) {
    await stopRecorded(started.engine.record, 5000);
    throw e;
  }
};

/**
 * Where the target's metrics are: the mock gateway's own port, a URL target's `/metrics`, or the vendor's
 * `metricsPath` from the adapter's origin (null when it names none). Read directly, never through the bridge.
 */
const targetMetricsUrl = (plan: RunPlan, stack: Stack): string | null => {
  const { target } = plan.config;
  if (plan.adapter) {
    const path = plan.adapter.adapter.metricsPath;
    return path === undefined ? null : new URL(path, new URL(plan.adapter.adapter.baseUrl).origin).href;
  }
  const base =
    stack.partUrls.gateway ?? (target.kind === "url" ? target.baseUrl.replace(/\/$/, "") : stack.citizenUrl);
  return `${base}/metrics`;
};

/**
 * The target's /metrics (queue, failover, sync figures), sampled from just before the load starts, and the
 * engine's CPU. The metrics are read directly, as an operator's monitoring would, not through the citizen link
 * the faults may cut.
 */
const startProbes = async (
  plan: RunPlan,
  run: Run,
  stack: Stack,
  started: StartedEngine,
  http: GuardedHttp,
): Promise<Load> => {
  const metricsUrl = targetMetricsUrl(plan, stack);
  const metricsProblem =
    metricsUrl === null ? "the adapter names no metricsPath" : await probeMetrics(metricsUrl, 1000, http);
  const runLimitMs = (plan.compiled.durationS + 120) * 1000;
  const scraper =
    metricsProblem === null && metricsUrl !== null
      ? new MetricsScraper({ url: metricsUrl, file: run.files.metrics, maxDurationMs: runLimitMs, http })
      : null;
  scraper?.start();
  let scraping = scraper !== null;
  const stopScraper = async () => {
    if (scraping) await scraper?.stop();
    scraping = false;
  };
  const cpu = new ProcessCpuSampler(started.engine.pid, runLimitMs);
  return {
    started,
    scraper,
    cpu,
    metricsProbe:
      metricsProblem === null && metricsUrl !== null
        ? { url: metricsUrl, reason: null }
        : { url: null, reason: `the target has no usable metrics endpoint (${metricsProblem})` },
    stopScraper,
    [Symbol.asyncDispose]: async () => {
      cpu.stop();
      await stopScraper();
      await stopRecorded(started.engine.record, 5000);
    },
  };
};

/** The load released at t0 and the fault timeline running on the same clock, recording what it applies. */
interface Watch extends AsyncDisposable {
  /** t0 as ISO time and as epoch ms. */
  loadStartedAt: string;
  t0WallMs: number;
  timeline: Timeline;
}

const eventLine = (e: ChaosEvent): string =>
  `  ${(e.appliedMs / 1000).toFixed(2)} s  ${e.phase} ${e.faultId} (${e.kind} on ${e.link}${e.phase === "step" ? `: ${e.step}` : ""})${e.outcome === "ok" ? "" : `: ${e.outcome} ${e.error ?? ""}`}`;

/** Stage 4: t0 picked, the engine's schedule and the fault timeline released at it; each fault step recorded. */
const releaseAndWatch = (plan: RunPlan, run: Run, stack: Stack, load: Load): Watch => {
  const eventsFile = run.files.events;
  writeFileSync(eventsFile, "");
  const { t0Perf, t0EpochMs } = load.started.release();
  load.cpu.start();
  const timeline = new Timeline({
    client: stack.client,
    plan: plan.faults,
    proxyFor: stack.proxyFor,
    t0: t0Perf,
    onEvent: (e) => {
      appendFileSync(eventsFile, `${JSON.stringify(e)}\n`);
      run.say(eventLine(e));
    },
  });
  timeline.start();
  const loadStartedAt = new Date(t0EpochMs).toISOString();
  run.say(`load started at ${loadStartedAt}; ${plan.compiled.durationS} s planned`);
  return { loadStartedAt, t0WallMs: t0EpochMs, timeline, [Symbol.asyncDispose]: () => timeline.stop() };
};

/**
 * Stage 5: until the engine ends (Ctrl-C stops it early); then the timeline removes what is still in force and
 * the scraper takes its last sample. An engine that failed or crashed ends the run here.
 */
const awaitLoad = async (run: Run, load: Load, watch: Watch): Promise<EngineResult> => {
  const { engine } = load.started;
  const onAbort = () => engine.stop();
  run.signal.addEventListener("abort", onAbort, { once: true });
  const outcome = await engine.finished;
  run.signal.removeEventListener("abort", onAbort);
  await watch.timeline.stop();
  await load.stopScraper();
  run.abortIf();
  if (outcome.kind === "failed")
    throw new HarnessError(outcome.exitCode === 2 ? 2 : 3, ["the load engine failed:", ...outcome.lines]);
  if (outcome.kind !== "result")
    throw new HarnessError(3, [
      `the load engine stopped unexpectedly (exit ${outcome.exitCode}); see ${run.files.logOf("engine")}`,
    ]);
  const result = outcome.result;
  if (result.status === "error") throw inputError("the load engine refused to go on:", ...result.reason);
  run.say(
    `engine finished: ${result.status}${result.reason.length > 0 ? ` (${result.reason.join("; ")})` : ""}; reconciling dossiers and analysing results`,
  );
  load.cpu.stop();
  return result;
};

/**
 * Stage 6: everything the load did, looked up through the portal's own API (dossiers, their national sync, the
 * payments it confirmed); saved so that `portal-harness report` can rebuild every report without the portal.
 */
const reconcileRun = async (
  plan: RunPlan,
  run: Run,
  o: { stack: Stack; http: GuardedHttp; t0WallMs: number },
): Promise<void> => {
  const { stuckAfterS, nationalSyncWithinS, paymentSettleWithinS } = plan.config.criteria;
  const records = await readDossierRecords(run.files.console);
  const payments = await readPaymentRecords(run.files.console);
  const startedAt = new Date().toISOString();
  const found = await reconcileEverything(records, payments, {
    http: o.http,
    baseUrl: o.stack.citizenUrl,
    stuckAfterS,
    nationalSyncWithinS,
    paymentSettleWithinS,
    lastFaultEndWallMs: lastFaultEndWallMs(run.files.events, o.t0WallMs),
  });
  run.abortIf();
  const reconciliation: Reconciliation = {
    schemaVersion: 1,
    portal: o.stack.citizenUrl,
    startedAt,
    finishedAt: new Date().toISOString(),
    stuckAfterS,
    ...found,
  };
  writeFileSync(run.files.reconciliation, `${JSON.stringify(reconciliation, null, 2)}\n`);
};

/** Stage 7: `run.json`: t0, the engine's status and counts, the generator's CPU, assumptions, fingerprint. */
const writeRunMeta = (
  plan: RunPlan,
  run: Run,
  o: {
    result: EngineResult;
    load: Load;
    watch: Watch;
    toxiproxyVersion: string;
    bundleHash: string;
    inputFiles: readonly string[];
  },
): void => {
  const { config, compiled, profile } = plan;
  const { result } = o;
  const cpu = o.load.cpu.result();
  const meta: RunMeta = {
    schemaVersion: 2,
    runId: run.runId,
    target: plan.targetLabel,
    profile: profile.name,
    faultPlan: plan.faults.name,
    loadStartedAt: o.watch.loadStartedAt,
    t0WallMs: o.watch.t0WallMs,
    engine: {
      status: result.status,
      exitCode: result.exitCode,
      reason: result.reason,
      workers: result.workers,
      workerStartOffsetsMs: result.workerStartOffsetsMs,
      iterations: result.iterations,
      vusMax: result.vusMax,
    },
    plannedIterations: compiled.scenarios.reduce((s, sc) => s + plannedIterations(sc), 0),
    plannedPeakRequestsPerS: compiled.totalPeakRequestsPerS,
    durationS: compiled.durationS,
    metrics: o.load.metricsProbe,
    generatorCpu: { mean: cpu.mean, peak: cpu.peak, cores: cpu.cores },
    assumptions: [
      ...profile.assumptions,
      ...compiled.notRun.map(
        (n) =>
          `The ${n.step} share of the mix (${(n.share * 100).toFixed(0)} %) is not run: no ${n.step} journey exists yet.`,
      ),
    ],
    fingerprint: buildFingerprint({
      tools: { engine: engineVersion, toxiproxy: o.toxiproxyVersion },
      config,
      profile,
      faultPlan: plan.faults,
      scenarioBundleHash: o.bundleHash,
      seed: config.seed,
      inputFiles: [...plan.inputFiles, ...o.inputFiles],
    }),
  };
  writeFileSync(run.files.meta, `${JSON.stringify(meta, null, 2)}\n`);
};

/** Stage 8: the verdict and every report from what the run saved; the verdict's outcome is the exit code. */
const analyse = async (run: Run, lang: Lang): Promise<RunResult> => {
  const { verdict } = await analyseRunDir(run.runDir, { lang });
  return { runDir: run.runDir, verdict, exitCode: exitCodeForOutcome(verdict.outcome) };
};
