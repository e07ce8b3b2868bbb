import { engineRows } from "./engine-block.js";
import { loadCharts } from "./html-charts.js";
import { type HtmlPage, ms, pct } from "./html-page.js";
import { criterionTitle, formatValue, statusLabel } from "./i18n.js";
import { escapeXml as esc } from "./svg-chart.js";

/** The sections of the HTML report below its header, in page order; each returns its lines of markup. */

/** The verdict table: one row per criterion. */
export const criteriaSection = ({ v, L, lang }: HtmlPage): string[] => [
  `<h2>${esc(L.criteria)}</h2>`,
  `<table id="criteria"><thead><tr><th>${esc(L.result)}</th><th>${esc(L.criterion)}</th><th>${esc(L.observed)}</th><th>${esc(L.threshold)}</th></tr></thead><tbody>`,
  ...v.criteria.map((c) => {
    const cmp = c.comparison === ">=" ? "≥" : "≤";
    const cls = c.status === "passed" ? "pass" : c.status === "failed" ? "fail" : "not-judged";
    const remark = c.status === "not-judged" ? c.reason : c.note;
    return `<tr class="criterion ${cls}" data-criterion="${esc(c.id)}" data-status="${c.status}"><td class="res">${esc(statusLabel(c.status, L))}</td><td>${esc(criterionTitle(c.id, c.title, lang))}${remark ? `<div class="note">${esc(remark)}</div>` : ""}</td><td class="num">${esc(formatValue(c.observed, c.unit, lang))}</td><td class="num">${cmp} ${esc(formatValue(c.threshold, c.unit, lang))}</td></tr>`;
  }),
  "</tbody></table>",
];

/** Planned vs applied faults with their resilience figures, and the baseline they were judged against. */
export const faultsSection = ({ v, L, lang }: HtmlPage): string[] => {
  if (v.faults.length === 0) return [];
  const headings = [
    L.fault,
    L.link,
    L.planned,
    L.applied,
    L.startSkew,
    L.timeToDetect,
    L.timeToRecover,
    L.errorRateDuring,
    L.p95During,
    L.burnRate,
    L.budgetBurned,
  ];
  return [
    `<h2>${esc(L.faults)}</h2><table id="faults"><thead><tr>`,
    ...headings.map((h) => `<th>${esc(h)}</th>`),
    "</tr></thead><tbody>",
    ...v.faults.map(
      (f) =>
        `<tr data-fault="${esc(f.id)}"><td>${esc(f.id)} (${esc(f.kind)})</td><td>${esc(f.link)}</td><td class="num">${f.plannedStartMs}–${f.plannedEndMs}</td><td class="num">${ms(f.appliedStartMs)}–${ms(f.appliedEndMs)}</td><td class="num">${ms(f.startSkewMs)}</td><td class="num">${ms(f.timeToDetectMs)}</td><td class="num">${ms(f.timeToRecoverMs)}</td><td class="num">${pct(f.errorRateDuring, lang)}</td><td class="num">${ms(f.p95DuringMs)}</td><td class="num">${f.burnRate ?? "—"}</td><td class="num">${pct(f.errorBudgetBurned, lang)}</td></tr>`,
    ),
    "</tbody></table>",
    `<p class="note">${esc(L.baseline)} ${v.baseline.fromMs}–${v.baseline.toMs} ms: ${v.baseline.requests} ${esc(L.requests)}, ${esc(pct(v.baseline.errorRate, lang))}, p95 ${ms(v.baseline.p95Ms)}. ${esc(L.tolerance)}: ${esc(v.tolerance.rule)}.</p>`,
  ];
};

/** The dossier funnel (bars scaled to the submitted count), example codes and reconciliation's notes. */
export const dossiersSection = ({ v, L }: HtmlPage): string[] => {
  const d = v.dossiers;
  const top = Math.max(1, d.submitted);
  const row = (key: string, label: string, n: number | null, bad = false) => {
    const w = n === null ? 0 : Math.max(n > 0 ? 2 : 0, Math.round((n / top) * 500));
    return `<tr data-stage="${key}"><td>${esc(label)}</td><td class="num">${n === null ? esc(L.notChecked) : n}</td><td><span class="bar${bad ? " bad" : ""}" style="width:${w}px"></span></td></tr>`;
  };
  const examples: Array<[string, readonly string[]]> = [
    [L.funnel.lost, d.examples.lost],
    [L.funnel.duplicated, d.examples.duplicated],
    [L.funnel.stuck, d.examples.stuck],
    [L.funnel.illegal, d.examples.illegal],
  ];
  return [
    `<h2>${esc(L.dossiers)}</h2><table class="funnel" id="funnel"><tbody>`,
    row("submitted", L.funnel.submitted, d.submitted),
    row("acknowledged", L.funnel.acknowledged, d.acknowledged),
    row("found", L.funnel.found, d.found),
    row("lost", L.funnel.lost, d.lost, true),
    row("duplicated", L.funnel.duplicated, d.duplicated, true),
    row("stuck", L.funnel.stuck, d.stuck, true),
    row("illegal", L.funnel.illegal, d.illegalTransitions, true),
    row("lookup-errors", L.funnel.lookupErrors, d.lookupErrors, true),
    "</tbody></table>",
    ...examples
      .filter(([, list]) => list.length > 0)
      .map(
        ([label, list]) =>
          `<p class="examples"><strong>${esc(L.examples)} (${esc(label)}):</strong> ${list.map((c) => `<code>${esc(c)}</code>`).join(", ")}</p>`,
      ),
    ...d.notes.map((n) => `<p class="note">${esc(n)}</p>`),
  ];
};

/** Queueing, Retry-After, failover and sync figures (each measured, or why not), and the error budget. */
export const resilienceSection = ({ v, L, lang }: HtmlPage): string[] => {
  const out = [
    `<h2>${esc(L.resilience)}</h2><table id="resilience"><thead><tr><th>${esc(L.figure)}</th><th>${esc(L.value)}</th></tr></thead><tbody>`,
  ];
  const fig = (label: string, m: { value: number | null; reason?: string } | undefined, unit: string) => {
    if (!m) return;
    const text = m.value === null ? `${L.notMeasured}: ${m.reason ?? ""}` : formatValue(m.value, unit, lang);
    out.push(`<tr><td>${esc(label)}</td><td>${esc(text)}</td></tr>`);
  };
  fig(L.queuePeak, v.queue.peakDepth, "");
  fig(L.queueDrain, v.queue.drainTimeMs, "ms");
  fig(L.shed, v.queue.shed, "");
  fig(L.admitted, v.queue.admitted, "");
  if (v.queue.retryAfter) {
    out.push(`<tr><td>${esc(L.retries)}</td><td>${v.queue.retryAfter.retries}</td></tr>`);
    fig(L.retryAfterSent, v.queue.retryAfter.sentShare, "ratio");
    fig(L.retryAfterHonoured, v.queue.retryAfter.honouredShare, "ratio");
  }
  fig(L.failover, v.failover.durationMs, "ms");
  fig(L.syncLag, v.sync.lagMs, "ms");
  fig(L.syncDrain, v.sync.drainTimeMs, "ms");
  fig(L.syncBacklog, v.sync.backlogPeak, "");
  out.push("</tbody></table>");
  const b = v.errorBudget;
  if (b)
    out.push(
      `<p>${esc(L.errorBudget)}: ${esc(L.errorBudgetLine(formatValue(b.sloErrorRate, "ratio", lang), String(b.allowedErrors), b.errors, b.burned === null ? "—" : formatValue(b.burned, "ratio", lang)))}</p>`,
    );
  return out;
};

/** The load, planned vs achieved, and the engine that made it: its account, then its charts over time. */
export const loadSection = ({ v, series, L, lang, xMax, bands }: HtmlPage): string[] => {
  const l = v.load;
  const cpu = l.generatorCpu;
  return [
    `<h2>${esc(L.load)}</h2><p>${esc(L.loadLine(l.plannedIterations, l.plannedPeakRequestsPerS, l.achievedIterations, l.achievedRequests, l.droppedIterations))}</p>`,
    `<p>${esc(L.generatorCpu)}: ${esc(cpu.value === null ? `${L.notMeasured}: ${cpu.reason}` : formatValue(cpu.value, "ratio", lang))}</p>`,
    `<p>${esc(L.steady)}: p50 ${ms(v.steady.p50Ms)}, p95 ${ms(v.steady.p95Ms)}, p99 ${ms(v.steady.p99Ms)}, ${esc(pct(v.steady.errorRate, lang))}.</p>`,
    `<h3>${esc(L.engine)}</h3><table id="engine"><tbody>`,
    ...engineRows(v, lang).map(
      ([key, label, value]) => `<tr data-engine="${key}"><td>${esc(label)}</td><td>${esc(value)}</td></tr>`,
    ),
    "</tbody></table>",
    ...l.engine.reason.map((r) => `<p class="note">${esc(r)}</p>`),
    ...(series ? loadCharts(series, L, xMax, bands) : []),
  ];
};

/** Requests, error rate and percentiles per step, over the whole run. */
export const stepsSection = ({ v, L, lang }: HtmlPage): string[] => [
  `<h2>${esc(L.steps)}</h2><table id="steps"><thead><tr><th>${esc(L.step)}</th><th>${esc(L.requests)}</th><th>%</th><th>p50</th><th>p95</th><th>p99</th></tr></thead><tbody>`,
  ...v.steps.map(
    (s) =>
      `<tr><td>${esc(s.step)}</td><td class="num">${s.requests}</td><td class="num">${esc(pct(s.errorRate, lang))}</td><td class="num">${ms(s.p50Ms)}</td><td class="num">${ms(s.p95Ms)}</td><td class="num">${ms(s.p99Ms)}</td></tr>`,
  ),
  "</tbody></table>",
];

/** Requests, error rate and p95 per province, when the load was tagged by province. */
export const provincesSection = ({ v, L, lang }: HtmlPage): string[] =>
  v.provinces && v.provinces.length > 0
    ? [
        `<h2>${esc(L.provinces)}</h2><table id="provinces"><thead><tr><th>${esc(L.province)}</th><th>${esc(L.requests)}</th><th>%</th><th>p95</th></tr></thead><tbody>`,
        ...v.provinces.map(
          (p) =>
            `<tr><td>${esc(p.province)}</td><td class="num">${p.requests}</td><td class="num">${esc(pct(p.errorRate, lang))}</td><td class="num">${ms(p.p95Ms)}</td></tr>`,
        ),
        "</tbody></table>",
      ]
    : [];

/** Every figure the report prints from an assumption, each labelled as one. */
export const assumptionsSection = ({ v, L }: HtmlPage): string[] =>
  v.assumptions.length > 0
    ? [
        `<h2>${esc(L.assumptions)}</h2>`,
        ...v.assumptions.map(
          (a) => `<p class="assumption"><strong>${esc(L.assumption)}:</strong> ${esc(a)}</p>`,
        ),
      ]
    : [];

/** Tool versions, seed, git revision and the SHA-256 of every input and saved data file. */
export const fingerprintSection = ({ v, L }: HtmlPage): string[] => {
  const f = v.fingerprint;
  const tools = Object.entries(f.tools)
    .map(([k, x]) => `${k} ${x}`)
    .join(", ");
  const hashes: Array<[string, string]> = [
    ["config", f.configHash],
    ["profile", f.profileHash],
    ["fault plan", f.faultPlanHash],
    ["scenario bundle", f.scenarioBundleHash],
    ...Object.entries(f.dataHashes ?? {}),
  ];
  return [
    `<h2>${esc(L.fingerprint)}</h2><table id="fingerprint"><tbody>`,
    `<tr><td>${esc(L.tools)}</td><td>${esc(tools)}; Node ${esc(f.node)}</td></tr>`,
    `<tr><td>${esc(L.seed)}</td><td>${f.seed}</td></tr><tr><td>${esc(L.git)}</td><td><code>${esc(f.gitRevision ?? "unknown")}</code></td></tr>`,
    ...hashes.map(([k, h]) => `<tr><td>${esc(L.hashes)} ${esc(k)}</td><td><code>${esc(h)}</code></td></tr>`),
    "</tbody></table>",
  ];
};
