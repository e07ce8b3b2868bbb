import { spawn } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFingerprint } from "../kernel/fingerprint.js";
import { projectRoot } from "../kernel/paths.js";
import { runFiles } from "../kernel/run-files.js";
import type { RunMeta } from "../reports/run-dir/meta.js";
import { type GeneratedRun, generateResults } from "../reports/testing/results-generator.js";
import { Verdict } from "../reports/verdict/schema.js";
import { Analysis, Criteria } from "../scripts/config/run-config.js";
import type { Benchmark, BenchResult } from "./lib/result.js";

const targetBytes = 1_000_000_000;
const goalSeconds = 30;
const goalPeakMiB = 300;
/** Bumped when the generator's output changes, so a cached file of the old shapes is not reused. */
const generatorVersion = 2;

/** Peak resident memory of a process so far (VmHWM is a high-water mark, so sampling misses nothing but the end). */
const peakRssKiB = (pid: number): number | null => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
};

/** A run directory around the generated results, with everything `report` reads besides them. */
const makeRunDir = (dir: string, results: string, t0Ms: number, gen: GeneratedRun) => {
  mkdirSync(dir, { recursive: true });
  const files = runFiles(dir);
  rmSync(files.results, { force: true });
  // The generated file is reused between runs; a hard link keeps the run directory self-contained and cheap.
  linkSync(results, files.results);
  const faults = gen.faults.map((f) => ({
    id: f.id,
    kind: f.kind,
    link: "citizen-gateway",
    startS: f.fromMs / 1000,
    durationS: (f.toMs - f.fromMs) / 1000,
    params: f.kind === "latency" ? { latencyMs: 300 } : {},
  }));
  writeFileSync(
    files.plan,
    JSON.stringify({
      config: { analysis: Analysis.parse({}), criteria: Criteria.parse({}) },
      compiled: { durationS: gen.durationS },
      faults: { name: "generated", faults },
    }),
  );
  writeFileSync(
    files.events,
    gen.faults
      .flatMap((f) => [
        {
          faultId: f.id,
          kind: f.kind,
          link: "citizen-gateway",
          phase: "apply",
          outcome: "ok",
          plannedMs: f.fromMs,
          requestedMs: f.fromMs,
          appliedMs: f.fromMs + 8,
        },
        {
          faultId: f.id,
          kind: f.kind,
          link: "citizen-gateway",
          phase: "remove",
          outcome: "ok",
          plannedMs: f.toMs,
          requestedMs: f.toMs,
          appliedMs: f.toMs + 5,
        },
      ])
      .map((e) => JSON.stringify(e))
      .join("\n")
      .concat("\n"),
  );
  writeFileSync(
    files.reconciliation,
    JSON.stringify({
      schemaVersion: 1,
      portal: "http://127.0.0.1:1",
      startedAt: new Date(t0Ms).toISOString(),
      finishedAt: new Date(t0Ms).toISOString(),
      stuckAfterS: 60,
      summary: {
        submitted: 0,
        acknowledged: 0,
        found: 0,
        lost: 0,
        duplicated: 0,
        stuck: null,
        illegalTransitions: 0,
        examples: { lost: [], duplicated: [], malformed: [], stuck: [], illegal: [] },
        lookupErrors: 0,
        notes: ["benchmark: no dossiers (generated engine results only)"],
      },
    }),
  );
  const started = gen.plannedIterations - gen.droppedIterations;
  const meta: RunMeta = {
    schemaVersion: 2,
    runId: "bench-analysis-1gb",
    target: "generated engine results",
    profile: "generated",
    faultPlan: "generated",
    loadStartedAt: new Date(t0Ms).toISOString(),
    t0WallMs: t0Ms,
    engine: {
      status: "completed",
      exitCode: 0,
      reason: [],
      workers: 1,
      workerStartOffsetsMs: [0],
      iterations: {
        started,
        completed: started,
        interrupted: 0,
        dropped: gen.droppedIterations,
        planned: gen.plannedIterations,
        errors: 0,
      },
      vusMax: gen.vusMax,
    },
    plannedIterations: gen.plannedIterations,
    plannedPeakRequestsPerS: 100,
    durationS: gen.durationS,
    metrics: { url: null, reason: "benchmark: no target" },
    generatorCpu: { mean: { value: null, reason: "benchmark: no load generator" }, peak: null, cores: 0 },
    assumptions: [],
    // No engine, profile or bundle ran: the hashes are of what the generator was given.
    fingerprint: buildFingerprint({
      tools: {},
      config: { generatorVersion, targetBytes },
      profile: "generated",
      faultPlan: gen.faults,
      scenarioBundleHash: "-",
      seed: 1,
    }),
  };
  writeFileSync(files.meta, JSON.stringify(meta));
};

/**
 * 1 GB of results (generated in the exact line shapes the load engine writes, gzipped as it writes them) into
 * a verdict and every report, through the real `portal-harness report` command in its own process, so its
 * time and peak memory are the command's own.
 */
export const analysis1gb: Benchmark = {
  name: "analysis-1gb",
  description: `1 GB of results in k6's JSON line format (uncompressed size; gzipped as the engine writes it) → verdict.json, series.json, report.html, report.md, junit.xml (goal < ${goalSeconds} s, < ${goalPeakMiB} MiB peak)`,
  run: async (say): Promise<BenchResult> => {
    const cache = join(tmpdir(), "portal-harness-bench");
    mkdirSync(cache, { recursive: true });
    const results = join(cache, `results-1gb-v${generatorVersion}.json.gz`);
    const genFile = join(cache, `results-1gb-v${generatorVersion}.meta.json`);
    const t0Ms = Date.parse("2026-07-01T01:00:00Z");
    let gen: GeneratedRun;
    if (existsSync(results) && existsSync(genFile)) {
      gen = JSON.parse(readFileSync(genFile, "utf8")) as GeneratedRun;
      say(`reusing ${results}`);
    } else {
      say(`generating ${targetBytes / 1e9} GB of engine results in ${results} (once; reused afterwards)`);
      const started = performance.now();
      gen = await generateResults(results, { bytes: targetBytes, rps: 100, seed: 20250701, t0Ms });
      writeFileSync(genFile, JSON.stringify(gen));
      say(
        `generated ${(gen.bytes / 1e9).toFixed(2)} GB (${(gen.fileBytes / 1e6).toFixed(0)} MB gzipped) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    const runDir = join(cache, "run-engine");
    makeRunDir(runDir, results, t0Ms, gen);
    const cli = join(projectRoot(), "dist", "cli.js");
    const started = performance.now();
    const child = spawn(process.execPath, [cli, "report", runDir], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    let peakKiB = 0;
    const timer = setInterval(() => {
      const p = child.pid === undefined ? null : peakRssKiB(child.pid);
      if (p !== null && p > peakKiB) peakKiB = p;
    }, 50);
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    clearInterval(timer);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`report exited ${code}:\n${out}`);
    const verdict = Verdict.parse(JSON.parse(readFileSync(runFiles(runDir).verdict, "utf8")));
    const peakMiB = Math.round(peakKiB / 1024);
    const mbPerS = Math.round(gen.bytes / 1e6 / seconds);
    const l = verdict.load;
    return {
      name: "analysis-1gb",
      goal: `1 GB of results (k6 JSON lines, gzipped as the engine writes them) to a verdict and all reports in < ${goalSeconds} s with < ${goalPeakMiB} MiB peak memory`,
      met: seconds < goalSeconds && peakMiB < goalPeakMiB && peakKiB > 0,
      figures: {
        "results bytes (uncompressed)": gen.bytes,
        "results file bytes (gzip level 1)": gen.fileBytes,
        "requests in results": l.achievedRequests,
        "simulated duration s": gen.durationS,
        "wall time s (report command, end to end)": Math.round(seconds * 10) / 10,
        "throughput MB/s (uncompressed)": mbPerS,
        "peak RSS MiB (VmHWM, sampled every 50 ms)": peakMiB,
        criteria: verdict.criteria.length,
        "time to recover (generated faults)": verdict.faults
          .map((f) => `${f.id} ${f.timeToRecoverMs ?? "—"} ms`)
          .join(", "),
        "engine figures read": `VUs busy peak ${l.vusBusyPeak}, allocated peak ${l.vusMaxPeak}, dropped ${l.droppedIterations}, start lag p99 ${l.startLagP99Ms} ms, checks ${l.checks.passes}/${l.checks.fails}`,
      },
      notes: [
        "The results are generated in the exact line shapes the load engine writes (copied from a `portal-harness exec` run): Metric declarations, per iteration `iteration_start_lag`, `http_reqs`, seven `http_req_*` trends, `http_req_failed`, a check, `data_sent`, `data_received`, `iteration_duration`, `iterations`, `dropped_iterations` when no VU was free, `vus`/`vus_max` once a second, in time order; about 4.5 KB of JSON per request, at 100 requests/s, with a latency window (VUs pile up to the pool's limit, a few iterations dropped) and an outage window (refused connections).",
        "The file is gzipped at level 1, as the engine writes `results.json.gz`: the figure includes decompressing it. Before the load engine, this benchmark read a plain (not gzipped) 1 GB file of the previous line shapes, with fewer metrics read: 4.7 s, 214 MB/s, 194 MiB peak on 2026-11-24. On 2026-12-02, three runs of each interleaved on this machine (shared with other work, so noisy): previous analysis on its input 4.6–6.2 s (median 5.4), 212–220 MiB; this one 3.7–5.3 s (median 4.3), 217–233 MiB, reading 2.3 times as many points (lines of unused metrics are now skipped without being sliced out).",
        "Measured: `portal-harness report` on a run directory around the file, in its own Node process: streaming parse, windows and histograms, verdict, series.json, report.html, report.md, junit.xml, and the SHA-256 of the results file for the fingerprint.",
        "The results file is on local disk and was likely in the page cache after generation; a cold read from disk adds its read time.",
      ],
    };
  },
};
