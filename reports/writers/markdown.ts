import type { Verdict } from "../verdict/schema.js";
import { engineRows } from "./engine-block.js";
import { criterionTitle, formatValue, type Lang, labelsFor } from "./i18n.js";

const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? "—" : `${Math.round(v)} ms`;

/** A Markdown report for a merge-request comment or a terminal. */
export const renderMarkdown = (v: Verdict, lang: Lang = "en"): string => {
  const L = labelsFor(lang);
  const pct = (x: number | null | undefined): string =>
    x === null || x === undefined ? "—" : formatValue(x, "ratio", lang);
  const lines: string[] = [];
  lines.push(`# ${L.title} ${v.runId}: ${L.outcome[v.outcome]}`);
  lines.push("");
  lines.push(`- ${L.target}: ${v.target}`);
  lines.push(`- ${L.profile}: ${v.profile}; ${L.faultPlan}: ${v.faultPlan}`);
  lines.push(`- ${L.loadStarted}: ${v.loadStartedAt}`);
  for (const r of v.inconclusiveReasons) lines.push(`- **${L.inconclusive}:** ${r}`);
  lines.push("");
  lines.push(`## ${L.criteria}`);
  lines.push("");
  lines.push(`| | ${L.criterion} | ${L.observed} | ${L.threshold} |`);
  lines.push("|---|---|---|---|");
  for (const c of v.criteria) {
    const note = c.note ? ` (${c.note})` : "";
    const cmp = c.comparison === ">=" ? "≥" : "≤";
    lines.push(
      `| ${c.passed ? L.pass : `**${L.fail}**`} | ${criterionTitle(c.id, c.title, lang)} | ${formatValue(c.observed, c.unit, lang)}${note} | ${cmp} ${formatValue(c.threshold, c.unit, lang)} |`,
    );
  }
  lines.push("");
  if (v.faults.length > 0) {
    lines.push(`## ${L.faults}`);
    lines.push("");
    lines.push(
      `| ${L.fault} | ${L.link} | ${L.planned} | ${L.applied} | ${L.startSkew} | ${L.timeToDetect} | ${L.timeToRecover} | ${L.errorRateDuring} | ${L.p95During} | ${L.burnRate} |`,
    );
    lines.push("|---|---|---|---|---|---|---|---|---|---|");
    for (const f of v.faults) {
      lines.push(
        `| ${f.id} (${f.kind}) | ${f.link} | ${f.plannedStartMs}–${f.plannedEndMs} | ${ms(f.appliedStartMs)}–${ms(f.appliedEndMs)} | ${ms(f.startSkewMs)} | ${ms(f.timeToDetectMs)} | ${ms(f.timeToRecoverMs)} | ${pct(f.errorRateDuring)} | ${ms(f.p95DuringMs)} | ${f.burnRate ?? "—"} |`,
      );
    }
    lines.push("");
    lines.push(
      `${L.baseline} ${v.baseline.fromMs}–${v.baseline.toMs} ms: ${v.baseline.requests} ${L.requests}, ${pct(v.baseline.errorRate)}, p95 ${ms(v.baseline.p95Ms)}.`,
    );
    lines.push(`${L.tolerance}: ${v.tolerance.rule}.`);
    lines.push("");
  }
  lines.push(`## ${L.dossiers}`);
  lines.push("");
  const d = v.dossiers;
  const n = (x: number | null) => (x === null ? L.notChecked : String(x));
  lines.push(
    `${L.funnel.submitted} ${d.submitted} → ${L.funnel.acknowledged} ${d.acknowledged} → ${L.funnel.found} ${d.found}; ${L.funnel.lost} ${d.lost}, ${L.funnel.duplicated} ${d.duplicated}, ${L.funnel.stuck} ${n(d.stuck)}, ${L.funnel.illegal} ${n(d.illegalTransitions)}, ${L.funnel.lookupErrors} ${d.lookupErrors}.`,
  );
  const ex: Array<[string, readonly string[]]> = [
    [L.funnel.lost, d.examples.lost],
    [L.funnel.duplicated, d.examples.duplicated],
    [L.funnel.stuck, d.examples.stuck],
    [L.funnel.illegal, d.examples.illegal],
  ];
  for (const [label, list] of ex)
    if (list.length > 0) lines.push(`- ${L.examples} (${label}): ${list.join("; ")}`);
  for (const note of d.notes) lines.push(`- ${note}`);
  lines.push("");
  lines.push(`## ${L.resilience}`);
  lines.push("");
  const fig = (label: string, m: { value: number | null; reason?: string } | undefined, unit: string) => {
    if (m)
      lines.push(
        `- ${label}: ${m.value === null ? `${L.notMeasured} (${m.reason ?? ""})` : formatValue(m.value, unit, lang)}`,
      );
  };
  fig(L.queuePeak, v.queue.peakDepth, "");
  fig(L.queueDrain, v.queue.drainTimeMs, "ms");
  fig(L.shed, v.queue.shed, "");
  if (v.queue.retryAfter) {
    lines.push(`- ${L.retries}: ${v.queue.retryAfter.retries}`);
    fig(L.retryAfterSent, v.queue.retryAfter.sentShare, "ratio");
    fig(L.retryAfterHonoured, v.queue.retryAfter.honouredShare, "ratio");
  }
  fig(L.failover, v.failover.durationMs, "ms");
  fig(L.syncLag, v.sync.lagMs, "ms");
  fig(L.syncDrain, v.sync.drainTimeMs, "ms");
  if (v.errorBudget) {
    const b = v.errorBudget;
    lines.push(
      `- ${L.errorBudget}: ${L.errorBudgetLine(formatValue(b.sloErrorRate, "ratio", lang), String(b.allowedErrors), b.errors, b.burned === null ? "—" : formatValue(b.burned, "ratio", lang))}`,
    );
  }
  lines.push("");
  lines.push(`## ${L.load}`);
  lines.push("");
  const l = v.load;
  lines.push(
    L.loadLine(
      l.plannedIterations,
      l.plannedPeakRequestsPerS,
      l.achievedIterations,
      l.achievedRequests,
      l.droppedIterations,
    ),
  );
  fig(L.generatorCpu, l.generatorCpu, "ratio");
  lines.push(
    `${L.steady}: p50 ${ms(v.steady.p50Ms)}, p95 ${ms(v.steady.p95Ms)}, p99 ${ms(v.steady.p99Ms)}, ${pct(v.steady.errorRate)}.`,
  );
  lines.push("");
  lines.push(`| ${L.step} | ${L.requests} | % | p50 | p95 | p99 |`);
  lines.push("|---|---|---|---|---|---|");
  for (const s of v.steps)
    lines.push(
      `| ${s.step} | ${s.requests} | ${pct(s.errorRate)} | ${ms(s.p50Ms)} | ${ms(s.p95Ms)} | ${ms(s.p99Ms)} |`,
    );
  lines.push("");
  lines.push(`### ${L.engine}`);
  lines.push("");
  for (const [, label, value] of engineRows(v, lang)) lines.push(`- ${label}: ${value}`);
  for (const r of l.engine.reason) lines.push(`- ${r}`);
  lines.push("");
  if (v.assumptions.length > 0) {
    lines.push(`## ${L.assumptions}`);
    lines.push("");
    for (const a of v.assumptions) lines.push(`- ${L.assumption}: ${a}`);
    lines.push("");
  }
  lines.push(`## ${L.fingerprint}`);
  lines.push("");
  const f = v.fingerprint;
  lines.push(
    `- ${L.tools}: ${Object.entries(f.tools)
      .map(([k, val]) => `${k} ${val}`)
      .join(", ")}; Node ${f.node}`,
  );
  lines.push(`- ${L.seed} ${f.seed}; ${L.git} ${f.gitRevision ?? "unknown"}`);
  lines.push(
    `- ${L.hashes}: config ${f.configHash.slice(0, 16)}, profile ${f.profileHash.slice(0, 16)}, fault plan ${f.faultPlanHash.slice(0, 16)}, scenario bundle ${f.scenarioBundleHash.slice(0, 16)}${Object.entries(
      f.dataHashes ?? {},
    )
      .map(([k, h]) => `, ${k} ${h.slice(0, 16)}`)
      .join("")}`,
  );
  lines.push("");
  return lines.join("\n");
};
