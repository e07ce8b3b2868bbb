import { existsSync } from "node:fs";
import { join } from "node:path";

/** k6's JSON output as the harness has k6 write it (gzipped: 10-20 MB/s of JSON at high rates). */
export const k6ResultsGz = "k6-results.json.gz";

/** The files of a run directory (`out/<run-id>/`): what a run saves and what `report` rebuilds from. */
export const runFiles = (runDir: string) => ({
  plan: join(runDir, "plan.json"),
  meta: join(runDir, "run.json"),
  events: join(runDir, "chaos-events.ndjson"),
  /** k6's JSON output, gzipped by the harness; a plain `k6-results.json` is read too. */
  results: existsSync(join(runDir, k6ResultsGz))
    ? join(runDir, k6ResultsGz)
    : join(runDir, "k6-results.json"),
  console: join(runDir, "k6-console.ndjson"),
  metrics: join(runDir, "metrics.ndjson"),
  reconciliation: join(runDir, "reconciliation.json"),
  verdict: join(runDir, "verdict.json"),
  series: join(runDir, "series.json"),
  reportMd: join(runDir, "report.md"),
  reportHtml: join(runDir, "report.html"),
  junit: join(runDir, "junit.xml"),
  dashboard: join(runDir, "k6-dashboard.html"),
});
export type RunFiles = ReturnType<typeof runFiles>;
