import { spawn } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Analysis, Criteria } from "../scripts/config/run-config.js";
import { projectRoot } from "../scripts/lib/paths.js";
import { generateK6Results } from "./k6-results-generator.js";
import type { Benchmark, BenchResult } from "./lib/result.js";

const targetBytes = 1_000_000_000;
const goalSeconds = 30;
const goalPeakMiB = 300;

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
const makeRunDir = (
  dir: string,
  results: string,
  t0Ms: number,
  gen: Awaited<ReturnType<typeof generateK6Results>>,
) => {
  mkdirSync(dir, { recursive: true });
  const link = join(dir, "k6-results.json");
  rmSync(link, { force: true });
  // The generated file is reused between runs; a hard link keeps the run directory self-contained and cheap.
  linkSync(results, link);
  const faults = gen.faults.map((f) => ({
    id: f.id,
    kind: f.kind,
    link: "citizen-gateway",
    startS: f.fromMs / 1000,
    durationS: (f.toMs - f.fromMs) / 1000,
    params: f.kind === "latency" ? { latencyMs: 300 } : {},
  }));
  writeFileSync(
    join(dir, "plan.json"),
    JSON.stringify({
      config: { analysis: Analysis.parse({}), criteria: Criteria.parse({}) },
      compiled: { durationS: gen.durationS },
      faults: { name: "generated", faults },
    }),
  );
  writeFileSync(
    join(dir, "chaos-events.ndjson"),
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
    join(dir, "reconciliation.json"),
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
        notes: ["benchmark: no dossiers (generated k6 results only)"],
      },
    }),
  );
  writeFileSync(
    join(dir, "run.json"),
    JSON.stringify({
      schemaVersion: 1,
      runId: "bench-analysis-1gb",
      target: "generated k6 results",
      profile: "generated",
      faultPlan: "generated",
      loadStartedAt: new Date(t0Ms).toISOString(),
      t0WallMs: t0Ms,
      k6ExitCode: 0,
      plannedIterations: gen.requests,
      plannedPeakRequestsPerS: 100,
      durationS: gen.durationS,
      metrics: { url: null, reason: "benchmark: no target" },
      generatorCpu: { mean: { value: null, reason: "benchmark: no load generator" }, peak: null, cores: 0 },
      assumptions: [],
      fingerprint: {
        tools: {},
        configHash: "-",
        profileHash: "-",
        faultPlanHash: "-",
        scenarioBundleHash: "-",
        seed: 1,
        gitRevision: null,
        node: process.version,
      },
    }),
  );
};

/**
 * 1 GB of k6 JSON results (generated in k6's exact line shapes) into a verdict and every report, through the
 * real `portal-harness report` command in its own process, so its time and peak memory are the command's own.
 */
export const analysis1gb: Benchmark = {
  name: "analysis-1gb",
  description: `1 GB of uncompressed k6 JSON results → verdict.json, report.html, report.md, junit.xml (goal < ${goalSeconds} s, < ${goalPeakMiB} MiB peak)`,
  run: async (say): Promise<BenchResult> => {
    const cache = join(tmpdir(), "portal-harness-bench");
    mkdirSync(cache, { recursive: true });
    const results = join(cache, "k6-results-1gb.json");
    const genFile = join(cache, "k6-results-1gb.meta.json");
    const t0Ms = Date.parse("2026-07-01T01:00:00Z");
    let gen: Awaited<ReturnType<typeof generateK6Results>>;
    if (existsSync(results) && existsSync(genFile) && statSync(results).size >= targetBytes) {
      gen = JSON.parse(readFileSync(genFile, "utf8")) as typeof gen;
      say(`reusing ${results}`);
    } else {
      say(`generating ${targetBytes / 1e9} GB of k6 results in ${results} (once; reused afterwards)`);
      const started = performance.now();
      gen = await generateK6Results(results, { bytes: targetBytes, rps: 100, seed: 20250701, t0Ms });
      writeFileSync(genFile, JSON.stringify(gen));
      say(
        `generated ${(gen.bytes / 1e9).toFixed(2)} GB in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    const runDir = join(cache, "run");
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
    const verdict = JSON.parse(readFileSync(join(runDir, "verdict.json"), "utf8")) as {
      load: { achievedRequests: number };
      criteria: unknown[];
      faults: Array<{ id: string; timeToRecoverMs: number | null }>;
    };
    const peakMiB = Math.round(peakKiB / 1024);
    const mbPerS = Math.round(gen.bytes / 1e6 / seconds);
    return {
      name: "analysis-1gb",
      goal: `1 GB of k6 JSON results to a verdict and all reports in < ${goalSeconds} s with < ${goalPeakMiB} MiB peak memory`,
      met: seconds < goalSeconds && peakMiB < goalPeakMiB && peakKiB > 0,
      figures: {
        "results bytes": gen.bytes,
        "requests in results": verdict.load.achievedRequests,
        "simulated duration s": gen.durationS,
        "wall time s (report command, end to end)": Math.round(seconds * 10) / 10,
        "throughput MB/s": mbPerS,
        "peak RSS MiB (VmHWM, sampled every 50 ms)": peakMiB,
        criteria: verdict.criteria.length,
        "time to recover (generated faults)": verdict.faults
          .map((f) => `${f.id} ${f.timeToRecoverMs ?? "—"} ms`)
          .join(", "),
      },
      notes: [
        "The results are generated in the exact line shapes k6 v2 writes (metric declarations, http_req_* trends, counters and rates, checks, iteration points), about 4 KB of JSON per request, at 100 requests/s with a latency window and an outage window.",
        "Measured: `portal-harness report` on a run directory around the file, in its own Node process: streaming parse, windows and histograms, verdict, series.json, report.html, report.md, junit.xml, and the SHA-256 of the results file for the fingerprint.",
        "The results file is plain JSON on local disk and was likely in the page cache after generation; a cold read from disk adds its read time.",
      ],
    };
  },
};
