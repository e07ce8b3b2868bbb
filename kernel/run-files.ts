import { join } from "node:path";

/**
 * The files of a run directory (`out/<run-id>/`), named in this one place: what a run writes, what `report`
 * rebuilds from and what the docs list.
 */
export const runFiles = (runDir: string) => ({
  plan: join(runDir, "plan.json"),
  meta: join(runDir, "run.json"),
  events: join(runDir, "chaos-events.ndjson"),
  /** The engine's results in k6's JSON line format, gzipped (10–20 MB/s of JSON at high rates). */
  results: join(runDir, "results.json.gz"),
  /** The VUs' console lines as JSON log lines; the dossier records are among them. */
  console: join(runDir, "console.ndjson"),
  /** The end-of-test summary in k6's summary-export shape. */
  summary: join(runDir, "summary.json"),
  /** The scenario bundle the engine ran (a valid k6 script; its hash is in the fingerprint). */
  script: join(runDir, "script.js"),
  /** What the harness told the engine (script, environment, workers, outputs). */
  engineConfig: join(runDir, "engine-config.json"),
  metrics: join(runDir, "metrics.ndjson"),
  reconciliation: join(runDir, "reconciliation.json"),
  verdict: join(runDir, "verdict.json"),
  series: join(runDir, "series.json"),
  reportMd: join(runDir, "report.md"),
  reportHtml: join(runDir, "report.html"),
  junit: join(runDir, "junit.xml"),
  state: join(runDir, "state.json"),
  /** Each process's output: `logs/<name>.log` (`logs/engine.log`, `logs/toxiproxy.log`, one per mock part). */
  logs: join(runDir, "logs"),
  logOf: (name: string): string => join(runDir, "logs", `${name}.log`),
});
export type RunFiles = ReturnType<typeof runFiles>;
