import { createReadStream, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { EngineResult } from "../../engine/config.js";
import { launchEngine } from "../../engine/launch.js";
import { runFiles } from "../../kernel/run-files.js";
import { cpuSeconds } from "./cpu.js";

/**
 * Runs one script on the engine for a benchmark, optionally pinned to a CPU, and reports what it did and what
 * it cost: the engine's result, its CPU seconds, and its peak resident memory and open file descriptors
 * (sampled every 200 ms from /proc).
 */
export interface EngineBenchRun {
  result: EngineResult;
  cpuSeconds: number | null;
  peakRssMiB: number;
  peakFds: number;
  resultsFile: string | null;
  dir: string;
}

const rssMiB = (pid: number): number => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

const fdCount = (pid: number): number => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
};

export const runEngineBench = async (
  script: string,
  o: { cpu?: number; results: boolean; workers?: number; env?: Record<string, string> },
): Promise<EngineBenchRun> => {
  const dir = mkdtempSync(join(tmpdir(), "engine-bench-"));
  // Its files named as a run directory names them.
  const files = runFiles(dir);
  const file = files.script;
  writeFileSync(file, script);
  const resultsFile = o.results ? files.results : null;
  const engine = launchEngine({
    config: {
      script: file,
      env: o.env ?? {},
      workers: o.workers ?? 1,
      out: { ...(resultsFile ? { results: resultsFile } : {}), summaryExport: files.summary },
      start: "harness",
      progress: "ipc",
      printSummary: false,
    },
    configFile: files.engineConfig,
    logFile: join(dir, "engine.log"),
    ...(o.cpu === undefined ? {} : { wrapper: ["taskset", "-c", String(o.cpu)] }),
  });
  const ready = await engine.ready;
  if (!ready) {
    const outcome = await engine.finished;
    throw new Error(`the engine did not start: ${JSON.stringify(outcome)} (see ${dir}/engine.log)`);
  }
  let peakRssMiB = 0;
  let peakFds = 0;
  const sampler = setInterval(() => {
    peakRssMiB = Math.max(peakRssMiB, rssMiB(engine.pid));
    peakFds = Math.max(peakFds, fdCount(engine.pid));
  }, 200);
  const cpuBefore = cpuSeconds(engine.pid);
  engine.start(Date.now() + 100);
  let cpuAfter: number | null = null;
  const cpuWatch = setInterval(() => {
    const c = cpuSeconds(engine.pid);
    if (c !== null) cpuAfter = c;
  }, 100);
  const outcome = await engine.finished;
  clearInterval(sampler);
  clearInterval(cpuWatch);
  if (outcome.kind !== "result")
    throw new Error(`the engine failed: ${JSON.stringify(outcome)} (see ${dir}/engine.log)`);
  return {
    result: outcome.result,
    cpuSeconds: cpuBefore !== null && cpuAfter !== null ? (cpuAfter as number) - cpuBefore : null,
    peakRssMiB: Math.round(peakRssMiB),
    peakFds,
    resultsFile,
    dir,
  };
};

/** Values of one metric's points at or after `fromMs` (epoch), from a gzipped k6 JSON results file. */
export const pointValues = async (file: string, metric: string, fromMs: number): Promise<number[]> => {
  const head = `{"metric":"${metric}","type":"Point","data":{"time":"`;
  const out: number[] = [];
  const lines = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (!line.startsWith(head)) continue;
    const time = line.slice(head.length, line.indexOf('"', head.length));
    const t = Date.parse(time.replace(/(\.\d{3})\d*Z$/, "$1Z"));
    if (t < fromMs) continue;
    const m = /"value":(-?[\d.e+-]+)/.exec(line);
    if (m) out.push(Number(m[1]));
  }
  return out;
};

export const percentile = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
};
