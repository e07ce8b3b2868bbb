import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChaosEvent } from "../../chaos/events.js";
import { Timeline } from "../../chaos/timeline.js";
import { isMockVariant, mockVariantNames } from "../../mocks/variants.js";
import { readK6Points } from "../../reports/analysis/k6-stream.js";
import { WindowAggregator } from "../../reports/analysis/windows.js";
import { reconcile } from "../../reports/reconcile/reconcile.js";
import { readDossierRecords } from "../../reports/reconcile/records.js";
import { buildVerdict } from "../../reports/verdict/build.js";
import type { Verdict } from "../../reports/verdict/schema.js";
import { renderMarkdown } from "../../reports/writers/markdown.js";
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
    `${JSON.stringify({ config, compiled: plan.compiled, faults: plan.faults, profile: plan.profile }, null, 2)}\n`,
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
      seed: config.seed,
      pollsPerSubmission: plan.compiled.pollsPerSubmission,
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
    k6Proc = await startK6(k6.path, bundle.file, files, k6Plan, apiPort);
    recorder.addChild(k6Proc.record);
    abortIf();

    const eventsFile = join(runDir, "chaos-events.ndjson");
    writeFileSync(eventsFile, "");
    const { t0, wallMs } = await k6Proc.resume();
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
          `  ${(e.appliedMs / 1000).toFixed(2)} s  ${e.phase} ${e.faultId} (${e.kind} on ${e.link})${e.outcome === "ok" ? "" : `: ${e.outcome} ${e.error ?? ""}`}`,
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
    abortIf();
    say(`k6 finished (exit ${k6Exit}); reconciling dossiers and analysing results`);

    const records = await readDossierRecords(files.console);
    const dossiers = await reconcile(records, { baseUrl: stackNow.citizenUrl });
    abortIf();

    const t0Ms = wallMs;
    const windowMs = config.analysis.windowMs;
    const recoverMs = config.criteria.recoverWithinS * 1000;
    const applied = plan.faults.faults.map((f) => {
      const start =
        events.find((e) => e.faultId === f.id && e.phase === "apply")?.appliedMs ?? f.startS * 1000;
      const end =
        events.find((e) => e.faultId === f.id && e.phase === "remove")?.appliedMs ??
        (f.startS + f.durationS) * 1000;
      return { id: f.id, start, end };
    });
    const firstFault = Math.min(...applied.map((a) => a.start), Number.POSITIVE_INFINITY);
    // The first two windows are warm-up (connections, JIT); the baseline ends where the first fault begins.
    const baselineRange = {
      fromMs: 2 * windowMs,
      toMs: Number.isFinite(firstFault) ? firstFault : plan.compiled.durationS * 1000,
    };
    const aggregator = new WindowAggregator({
      t0Ms,
      windowMs,
      isSteady: (t) => !applied.some((a) => t >= a.start && t < a.end + recoverMs),
      intervals: [
        { id: "baseline", fromMs: baselineRange.fromMs, toMs: baselineRange.toMs },
        ...applied.map((a) => ({ id: `fault:${a.id}`, fromMs: a.start, toMs: a.end })),
      ],
    });
    for await (const point of readK6Points(files.results)) aggregator.add(point);
    const windows = aggregator.finish();

    const verdict = buildVerdict({
      runId,
      target: plan.targetLabel,
      profile: plan.profile.name,
      faultPlan: plan.faults.name,
      loadStartedAt,
      faults: plan.faults.faults,
      events,
      aggregator,
      windows,
      baselineRange,
      dossiers,
      plannedIterations: plan.compiled.scenarios.reduce((s, sc) => s + plannedIterations(sc), 0),
      plannedPeakRequestsPerS: plan.compiled.peakRequestsPerS,
      k6ExitCode: k6Exit,
      criteria: config.criteria,
      analysis: config.analysis,
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
    });
    writeFileSync(join(runDir, "verdict.json"), `${JSON.stringify(verdict, null, 2)}\n`);
    writeFileSync(join(runDir, "report.md"), renderMarkdown(verdict));
    return { runDir, verdict, exitCode: exitCodeFor(verdict.outcome) };
  } finally {
    if (timeline) await timeline.stop();
    if (k6Proc) await stopRecorded(k6Proc.record, 5000);
    if (stack) await stack.stop();
    recorder.end();
  }
};
