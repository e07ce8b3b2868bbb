import { openSync } from "node:fs";
import { join } from "node:path";
import { k6ResultsGz, runFiles } from "../../reports/run-dir/files.js";
import type { K6Plan } from "../../scenarios/lib/plan.js";
import { type Spawned, spawnTracked, stopRecorded, type TrackedProcess } from "../lib/processes.js";

/**
 * k6 calls home unless told not to: every k6 this harness starts has its usage report and automatic
 * extension resolution switched off, by flag and by environment. The web dashboard runs only to export its
 * HTML report beside ours: port -1 opens no port.
 */
export const k6Environment = (base: NodeJS.ProcessEnv, dashboardExport?: string): NodeJS.ProcessEnv => ({
  ...base,
  K6_NO_USAGE_REPORT: "true",
  K6_AUTO_EXTENSION_RESOLUTION: "false",
  ...(dashboardExport === undefined
    ? { K6_WEB_DASHBOARD: "false" }
    : { K6_WEB_DASHBOARD: "true", K6_WEB_DASHBOARD_PORT: "-1", K6_WEB_DASHBOARD_EXPORT: dashboardExport }),
});

export interface K6Files {
  results: string;
  console: string;
  summary: string;
  log: string;
  /** The k6 web dashboard's exported HTML report. */
  dashboard: string;
}

/** Where k6 writes: the run directory's own file names (reports/run-dir/files.ts), plus k6's summary and log. */
export const k6Files = (runDir: string): K6Files => {
  const saved = runFiles(runDir);
  return {
    results: join(runDir, k6ResultsGz),
    console: saved.console,
    summary: join(runDir, "k6-summary.json"),
    log: join(runDir, "logs", "k6.log"),
    dashboard: saved.dashboard,
  };
};

export const k6Arguments = (script: string, files: K6Files, apiPort: number): string[] => [
  "run",
  "--no-usage-report",
  "--paused",
  "--address",
  `127.0.0.1:${apiPort}`,
  "--out",
  `json=${files.results}`,
  "--console-output",
  files.console,
  "--log-format",
  "json",
  "--summary-export",
  files.summary,
  "--quiet",
  script,
];

export interface StartedK6 extends Spawned {
  apiUrl: string;
  /** Resumes the paused run; resolves to performance.now() at the moment of resume (t0) and its wall time. */
  resume(): Promise<{ t0: number; wallMs: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const startK6 = async (
  binary: string,
  script: string,
  files: K6Files,
  plan: K6Plan,
  apiPort: number,
  /** Gets k6's process record at once, before its API is up, so a run killed meanwhile has it on record. */
  onSpawn?: (record: TrackedProcess) => void,
): Promise<StartedK6> => {
  const log = openSync(files.log, "a");
  const spawned = spawnTracked("k6", binary, k6Arguments(script, files, apiPort), {
    env: k6Environment({ ...process.env, PH_PLAN: JSON.stringify(plan) }, files.dashboard),
    stdio: ["ignore", log, log],
  });
  onSpawn?.(spawned.record);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  let exited = false;
  void spawned.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`k6 exited before its API came up; see ${files.log}`);
    if (Date.now() > deadline) {
      await stopRecorded(spawned.record);
      throw new Error(`k6 API did not come up on ${apiUrl}; see ${files.log}`);
    }
    try {
      const res = await fetch(`${apiUrl}/v1/status`, { signal: AbortSignal.timeout(500) });
      if (res.ok) break;
    } catch {
      // not up yet
    }
    await sleep(50);
  }
  const resume = async () => {
    const before = performance.now();
    const wallBefore = Date.now();
    const res = await fetch(`${apiUrl}/v1/status`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { type: "status", id: "default", attributes: { paused: false } } }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`k6 did not resume: HTTP ${res.status} ${await res.text()}`);
    const after = performance.now();
    // t0 is taken at the middle of the resume call: the load starts while k6 handles it.
    const half = (after - before) / 2;
    return { t0: before + half, wallMs: wallBefore + half };
  };
  return { ...spawned, apiUrl, resume };
};
