import type { Verdict } from "../verdict/schema.js";

const fmt = (v: number | null, unit: string): string => {
  if (v === null) return "—";
  if (unit === "ratio") return `${(v * 100).toFixed(2)} %`;
  if (unit === "ms") return `${Math.round(v * 10) / 10} ms`;
  return `${v} ${unit}`;
};

const ms = (v: number | null): string => (v === null ? "—" : `${Math.round(v)} ms`);
const pct = (v: number | null): string => (v === null ? "—" : `${(v * 100).toFixed(2)} %`);

const outcomeLine: Record<Verdict["outcome"], string> = {
  passed: "PASSED",
  failed: "FAILED",
  inconclusive: "INCONCLUSIVE",
};

/** A Markdown report for a merge-request comment or a terminal. */
export const renderMarkdown = (v: Verdict): string => {
  const lines: string[] = [];
  lines.push(`# portal-harness run ${v.runId}: ${outcomeLine[v.outcome]}`);
  lines.push("");
  lines.push(`- Target: ${v.target}`);
  lines.push(`- Profile: ${v.profile}; fault plan: ${v.faultPlan}`);
  lines.push(`- Load started (t0): ${v.loadStartedAt}`);
  for (const r of v.inconclusiveReasons) lines.push(`- **Inconclusive:** ${r}`);
  lines.push("");
  lines.push("## Criteria");
  lines.push("");
  lines.push("| | criterion | observed | threshold |");
  lines.push("|---|---|---|---|");
  for (const c of v.criteria) {
    const note = c.note ? ` (${c.note})` : "";
    lines.push(
      `| ${c.passed ? "pass" : "**FAIL**"} | ${c.title} | ${fmt(c.observed, c.unit)}${note} | ≤ ${fmt(c.threshold, c.unit)} |`,
    );
  }
  lines.push("");
  if (v.faults.length > 0) {
    lines.push("## Faults: planned vs applied (ms after t0)");
    lines.push("");
    lines.push(
      "| fault | link | planned | applied | start skew | time to detect | time to recover | error rate during | p95 during |",
    );
    lines.push("|---|---|---|---|---|---|---|---|---|");
    for (const f of v.faults) {
      lines.push(
        `| ${f.id} (${f.kind}) | ${f.link} | ${f.plannedStartMs}–${f.plannedEndMs} | ${ms(f.appliedStartMs)}–${ms(f.appliedEndMs)} | ${ms(f.startSkewMs)} | ${ms(f.timeToDetectMs)} | ${ms(f.timeToRecoverMs)} | ${pct(f.errorRateDuring)} | ${ms(f.p95DuringMs)} |`,
      );
    }
    lines.push("");
    lines.push(
      `Baseline ${v.baseline.fromMs}–${v.baseline.toMs} ms: ${v.baseline.requests} requests, error rate ${pct(v.baseline.errorRate)}, p95 ${ms(v.baseline.p95Ms)}.`,
    );
    lines.push(`Tolerance: ${v.tolerance.rule}.`);
    lines.push("");
  }
  lines.push("## Dossiers");
  lines.push("");
  const d = v.dossiers;
  lines.push(
    `Submitted ${d.submitted}, acknowledged ${d.acknowledged}, found ${d.found}, lost ${d.lost}, duplicated ${d.duplicated}, lookup errors ${d.lookupErrors}.`,
  );
  if (d.examples.lost.length > 0) lines.push(`Lost, for example: ${d.examples.lost.join(", ")}.`);
  if (d.examples.duplicated.length > 0)
    lines.push(`Duplicated, for example: ${d.examples.duplicated.join("; ")}.`);
  for (const n of d.notes) lines.push(`- ${n}`);
  lines.push("");
  lines.push("## Load");
  lines.push("");
  lines.push(
    `Planned ${v.load.plannedIterations} iterations (peak ${v.load.plannedPeakRequestsPerS} requests/s); achieved ${v.load.achievedIterations} iterations, ${v.load.achievedRequests} requests; dropped ${v.load.droppedIterations}. Steady state: p50 ${ms(v.steady.p50Ms)}, p95 ${ms(v.steady.p95Ms)}, p99 ${ms(v.steady.p99Ms)}, error rate ${pct(v.steady.errorRate)}.`,
  );
  lines.push("");
  lines.push("| step | requests | error rate | p95 | p99 |");
  lines.push("|---|---|---|---|---|");
  for (const s of v.steps)
    lines.push(`| ${s.step} | ${s.requests} | ${pct(s.errorRate)} | ${ms(s.p95Ms)} | ${ms(s.p99Ms)} |`);
  lines.push("");
  const missing = [
    ["queue peak depth", v.queue.peakDepth],
    ["failover duration", v.failover.durationMs],
    ["national sync lag", v.sync.lagMs],
    ["generator CPU", v.load.generatorCpu],
  ] as const;
  const notMeasured = missing.filter(([, m]) => m.value === null);
  if (notMeasured.length > 0) {
    lines.push("Not measured in this run:");
    for (const [name, m] of notMeasured) lines.push(`- ${name}: ${"reason" in m ? m.reason : ""}`);
    lines.push("");
  }
  if (v.assumptions.length > 0) {
    lines.push("## Assumptions (not published figures)");
    lines.push("");
    for (const a of v.assumptions) lines.push(`- Assumption: ${a}`);
    lines.push("");
  }
  lines.push("## Fingerprint");
  lines.push("");
  const f = v.fingerprint;
  lines.push(
    `- Tools: ${Object.entries(f.tools)
      .map(([k, val]) => `${k} ${val}`)
      .join(", ")}; Node ${f.node}`,
  );
  lines.push(`- Seed ${f.seed}; git ${f.gitRevision ?? "unknown"}`);
  lines.push(
    `- SHA-256: config ${f.configHash.slice(0, 16)}, profile ${f.profileHash.slice(0, 16)}, fault plan ${f.faultPlanHash.slice(0, 16)}, k6 bundle ${f.scenarioBundleHash.slice(0, 16)}`,
  );
  lines.push("");
  return lines.join("\n");
};
