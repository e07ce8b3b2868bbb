import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Caps, type EngineConfigInput, hardCaps, progressLine } from "../../engine/config.js";
import { launchEngine } from "../../engine/launch.js";
import { environmentError, inputError } from "../../kernel/errors.js";
import { ExitCode } from "../../kernel/exit-codes.js";
import { runFiles } from "../../kernel/run-files.js";

/**
 * `portal-harness exec SCRIPT`: runs any script written to the engine's k6 API (TypeScript or JavaScript,
 * bundled on the fly) the way `k6 run` would, on the harness's own engine. Loopback only unless `--allow-host`.
 */
export interface ExecFlags {
  out: string[];
  env: string[];
  vus?: string | undefined;
  duration?: string | undefined;
  iterations?: string | undefined;
  summaryExport?: string | undefined;
  consoleOutput?: string | undefined;
  workers?: string | undefined;
  allowHost: string[];
  maxBytes?: string | undefined;
  maxErrorRate?: string | undefined;
  json: boolean;
}

/** `exec` stops a test once this share of its requests failed (after 10 s and 100 requests) unless told otherwise. */
export const execDefaultMaxErrorRate = 0.5;

const whole = (flag: string, text: string | undefined, min: number): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw inputError(`--${flag}: "${text}" is not a whole number ≥ ${min}`);
  return n;
};

/** The caps `exec` runs under: the hard ceilings, lowered by `--max-bytes` and `--max-error-rate`. */
const execCaps = (f: ExecFlags): Caps => {
  const maxBytes = whole("max-bytes", f.maxBytes, 1);
  if (maxBytes !== undefined && maxBytes > hardCaps.maxBytes)
    throw inputError(`--max-bytes: ${maxBytes} is above the hard cap of ${hardCaps.maxBytes} bytes`);
  const rate = f.maxErrorRate === undefined ? execDefaultMaxErrorRate : Number(f.maxErrorRate);
  if (f.maxErrorRate !== undefined && !(f.maxErrorRate.trim() !== "" && rate >= 0 && rate <= 1))
    throw inputError(`--max-error-rate: "${f.maxErrorRate}" is not a share between 0 and 1 (1: never stop)`);
  return Caps.parse({ ...(maxBytes === undefined ? {} : { maxBytes }), maxErrorRate: rate });
};

export const execConfig = (script: string, f: ExecFlags): EngineConfigInput => {
  const env: Record<string, string> = {};
  for (const pair of f.env) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw inputError(`--env: "${pair}" is not NAME=VALUE`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  let results: string | undefined;
  for (const o of f.out) {
    const m = /^json=(.+)$/.exec(o);
    if (!m) throw inputError(`--out: "${o}" is not supported (only json=FILE; FILE.gz is gzipped)`);
    results = resolve(m[1] as string);
  }
  const vus = whole("vus", f.vus, 1);
  const iterations = whole("iterations", f.iterations, 1);
  const workers = whole("workers", f.workers, 1);
  return {
    script: resolve(script),
    env,
    overrides: {
      ...(vus === undefined ? {} : { vus }),
      ...(f.duration === undefined ? {} : { duration: f.duration }),
      ...(iterations === undefined ? {} : { iterations }),
    },
    ...(workers === undefined ? {} : { workers }),
    allowHosts: f.allowHost,
    caps: execCaps(f),
    out: {
      ...(results ? { results } : {}),
      ...(f.summaryExport ? { summaryExport: resolve(f.summaryExport) } : {}),
      ...(f.consoleOutput ? { console: resolve(f.consoleOutput) } : {}),
    },
    start: "now",
    progress: "ipc",
    printSummary: !f.json,
  };
};

export const execCommand = async (
  positionals: string[],
  f: ExecFlags,
  say: (l: string) => void,
): Promise<number> => {
  const [script, ...extra] = positionals;
  if (!script || extra.length > 0) throw inputError("exec: give exactly one SCRIPT (a .js or .ts file)");
  const config = execConfig(script, f);
  const dir = mkdtempSync(join(tmpdir(), "portal-harness-exec-"));
  let interrupted = false;
  try {
    const engine = launchEngine({
      config,
      configFile: runFiles(dir).engineConfig,
      onProgress: (p) => {
        if (!f.json) process.stderr.write(`${progressLine(p)}\n`);
      },
    });
    const onSignal = () => {
      interrupted = true;
      engine.stop();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const outcome = await engine.finished;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (outcome.kind === "failed") return outcome.exitCode;
    if (outcome.kind === "crashed")
      throw environmentError(`the engine stopped unexpectedly (exit ${outcome.exitCode})`);
    const r = outcome.result;
    if (f.json) say(JSON.stringify(r, null, 2));
    else {
      for (const line of r.reason) say(line);
      say(
        `${r.status}: ${r.iterations.completed} iterations completed, ${r.iterations.interrupted} interrupted, ${r.iterations.dropped} dropped; ${r.requests} requests`,
      );
    }
    return interrupted ? ExitCode.interrupted : r.exitCode;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
