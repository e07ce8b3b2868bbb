import type { SeriesFile } from "../run-dir/series-file.js";
import type { Verdict } from "../verdict/schema.js";
import { engineRows } from "./engine-block.js";
import { criterionTitle, formatValue, type Labels, type Lang, labelsFor } from "./i18n.js";
import { type ChartBand, type ChartSeries, escapeXml as esc, renderChart } from "./svg-chart.js";

export interface HtmlInput {
  verdict: Verdict;
  series: SeriesFile | null;
  lang: Lang;
}

const stepColors = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"];

const css = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1b1b1b;margin:0;background:#fafafa}
main{max-width:960px;margin:0 auto;padding:16px 20px 48px;background:#fff}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:700;color:#fff}
.passed{background:#2e7d32}.failed{background:#c62828}.inconclusive{background:#ef6c00}
tr.fail td.res{color:#c62828;font-weight:700}tr.pass td.res{color:#2e7d32}
.meta{color:#444;margin:2px 0}.note{color:#666;font-size:12px}.assumption{background:#fff8e1;border-left:3px solid #f9a825;padding:4px 8px;margin:4px 0}
.funnel .bar{height:18px;background:#1f77b4;display:inline-block;vertical-align:middle}.funnel .bad{background:#c62828}
.funnel td{border:none;padding:2px 6px}.chart{display:block;margin:4px 0 12px;max-width:100%;height:auto}
code{font-size:12px;background:#f4f4f4;padding:1px 3px}
`;

const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? "—" : `${Math.round(v)} ms`;
const pct = (v: number | null | undefined, lang: Lang): string =>
  v === null || v === undefined ? "—" : formatValue(v, "ratio", lang);

/**
 * The load engine over time, from series.json's load windows: VUs busy and allocated, iteration start lag,
 * dropped iterations, checks and bytes. A chart with nothing to draw is left out (dropped iterations get a
 * sentence instead of a flat line).
 */
const loadCharts = (series: SeriesFile, L: Labels, xMaxMs: number, bands: ChartBand[]): string[] => {
  const w = series.load;
  const perS = 1000 / series.breakdownWindowMs;
  const title = (t: string) => `${t} (${series.breakdownWindowMs} ms)`;
  const chart = (id: string, t: string, yUnit: string, lines: ChartSeries[]): string | null =>
    lines.some((s) => s.points.some(([, y]) => y !== null))
      ? renderChart({ id, title: title(t), xLabel: L.seconds, yUnit, xMaxMs, bands, series: lines })
      : null;
  const dropped = w.reduce((a, p) => a + p[3], 0);
  const out = [
    chart("chart-vus", L.vusChart, "VUs", [
      { name: L.allocated, color: "#7f7f7f", points: w.map((p) => [p[0], p[2]] as const), dashed: true },
      { name: L.busy, color: "#1f77b4", points: w.map((p) => [p[0], p[1]] as const) },
    ]),
    chart("chart-start-lag", L.startLagChart, "ms", [
      { name: "p50", color: "#2ca02c", points: w.map((p) => [p[0], p[4]] as const) },
      { name: "p99", color: "#9467bd", points: w.map((p) => [p[0], p[5]] as const), dashed: true },
    ]),
    dropped > 0
      ? chart("chart-dropped", L.droppedChart, "/s", [
          { name: L.droppedPerS, color: "#ef6c00", points: w.map((p) => [p[0], p[3] * perS] as const) },
        ])
      : `<p class="note" id="no-dropped">${esc(L.noDropped)}</p>`,
    chart("chart-checks", L.checksChart, "/s", [
      { name: L.passed, color: "#2e7d32", points: w.map((p) => [p[0], p[6] * perS] as const) },
      { name: L.failed, color: "#c62828", points: w.map((p) => [p[0], p[7] * perS] as const) },
    ]),
    chart("chart-data", L.dataChart, "kB/s", [
      { name: L.sent, color: "#17becf", points: w.map((p) => [p[0], (p[8] * perS) / 1000] as const) },
      { name: L.received, color: "#8c564b", points: w.map((p) => [p[0], (p[9] * perS) / 1000] as const) },
    ]),
  ];
  return out.filter((x): x is string => x !== null);
};

/** A self-contained HTML report: inline CSS and SVG only, no script, nothing fetched (its CSP forbids it). */
export const renderHtml = ({ verdict: v, series, lang }: HtmlInput): string => {
  const L = labelsFor(lang);
  const out: string[] = [];
  const windowMs = v.tolerance.windowMs;
  const xMax = Math.max(
    (v.series.length || 1) * windowMs,
    ...v.faults.map((f) => Math.max(f.plannedEndMs, f.appliedEndMs ?? 0)),
  );
  const bands: ChartBand[] = v.faults.map((f) => ({
    id: f.id,
    label: `${f.id}: ${f.kind} on ${f.link}, ${f.appliedStartMs === null ? `${L.planned} ${f.plannedStartMs}–${f.plannedEndMs} ms` : `${L.applied} ${Math.round(f.appliedStartMs)}–${Math.round(f.appliedEndMs ?? f.plannedEndMs)} ms`}`,
    fromMs: f.appliedStartMs ?? f.plannedStartMs,
    toMs: f.appliedEndMs ?? f.plannedEndMs,
    plannedOnly: f.appliedStartMs === null,
  }));
  const perS = 1000 / windowMs;

  out.push(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8">`);
  out.push(
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
  );
  out.push(`<meta name="viewport" content="width=device-width, initial-scale=1">`);
  out.push(
    `<title>${esc(`${L.title} ${v.runId}: ${L.outcome[v.outcome]}`)}</title><style>${css}</style></head><body><main>`,
  );
  out.push(
    `<h1>${esc(L.title)} <code>${esc(v.runId)}</code> <span class="badge ${v.outcome}" id="outcome">${esc(L.outcome[v.outcome])}</span></h1>`,
  );
  out.push(
    `<p class="meta">${esc(L.target)}: ${esc(v.target)} · ${esc(L.profile)}: ${esc(v.profile)} · ${esc(L.faultPlan)}: ${esc(v.faultPlan)}</p>`,
  );
  out.push(`<p class="meta">${esc(L.loadStarted)}: ${esc(v.loadStartedAt)}</p>`);
  for (const r of v.inconclusiveReasons)
    out.push(`<p class="assumption"><strong>${esc(L.inconclusive)}:</strong> ${esc(r)}</p>`);

  // Verdict table.
  out.push(`<h2>${esc(L.criteria)}</h2>`);
  out.push(
    `<table id="criteria"><thead><tr><th>${esc(L.result)}</th><th>${esc(L.criterion)}</th><th>${esc(L.observed)}</th><th>${esc(L.threshold)}</th></tr></thead><tbody>`,
  );
  for (const c of v.criteria) {
    const cmp = c.comparison === ">=" ? "≥" : "≤";
    out.push(
      `<tr class="criterion ${c.passed ? "pass" : "fail"}" data-criterion="${esc(c.id)}"><td class="res">${esc(c.passed ? L.pass : L.fail)}</td><td>${esc(criterionTitle(c.id, c.title, lang))}${c.note ? `<div class="note">${esc(c.note)}</div>` : ""}</td><td class="num">${esc(formatValue(c.observed, c.unit, lang))}</td><td class="num">${cmp} ${esc(formatValue(c.threshold, c.unit, lang))}</td></tr>`,
    );
  }
  out.push("</tbody></table>");

  // Charts.
  out.push(`<h2>${esc(L.charts)}</h2><p class="note">${esc(L.faultShaded)}</p>`);
  out.push(
    renderChart({
      id: "chart-throughput",
      title: L.throughput,
      xLabel: L.seconds,
      yUnit: "req/s",
      xMaxMs: xMax,
      bands,
      series: [
        {
          name: "requests/s",
          color: "#1f77b4",
          points: v.series.map((w) => [w.t, w.requests * perS] as const),
        },
        { name: "errors/s", color: "#c62828", points: v.series.map((w) => [w.t, w.errors * perS] as const) },
      ],
    }),
  );
  const p99s = v.series
    .map((w) => w.p99Ms)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const clamp = p99s.length > 0 ? Math.max(10, (p99s[Math.floor(p99s.length * 0.98)] ?? 0) * 1.2) : undefined;
  out.push(
    renderChart({
      id: "chart-latency",
      title: L.latency,
      xLabel: L.seconds,
      yUnit: "ms",
      xMaxMs: xMax,
      bands,
      ...(clamp === undefined ? {} : { yMax: clamp }),
      series: [
        { name: "p50", color: "#2ca02c", points: v.series.map((w) => [w.t, w.p50Ms] as const) },
        { name: "p95", color: "#ff7f0e", points: v.series.map((w) => [w.t, w.p95Ms] as const) },
        { name: "p99", color: "#9467bd", points: v.series.map((w) => [w.t, w.p99Ms] as const), dashed: true },
      ],
    }),
  );
  out.push(
    renderChart({
      id: "chart-errors",
      title: L.errorRate,
      xLabel: L.seconds,
      yUnit: "%",
      xMaxMs: xMax,
      bands,
      series: [
        {
          name: "error rate %",
          color: "#c62828",
          points: v.series.map((w) => [w.t, w.requests > 0 ? (100 * w.errors) / w.requests : null] as const),
        },
      ],
    }),
  );
  if (series && series.steps.length > 0)
    out.push(
      renderChart({
        id: "chart-steps",
        title: `${L.stepLatency} (${series.breakdownWindowMs} ms)`,
        xLabel: L.seconds,
        yUnit: "ms",
        xMaxMs: xMax,
        bands,
        ...(clamp === undefined ? {} : { yMax: clamp }),
        series: series.steps.map((s, i) => ({
          name: s.key,
          color: stepColors[i % stepColors.length] ?? "#333",
          points: s.points.map((p) => [p[0], p[3]] as const),
        })),
      }),
    );
  if (series && series.queue.length > 0)
    out.push(
      renderChart({
        id: "chart-queue",
        title: L.queueDepth,
        xLabel: L.seconds,
        yUnit: "depth",
        xMaxMs: xMax,
        bands,
        series: [
          { name: "queue depth", color: "#8c564b", points: series.queue.map((q) => [q[0], q[1]] as const) },
        ],
      }),
    );

  // Faults.
  if (v.faults.length > 0) {
    out.push(`<h2>${esc(L.faults)}</h2><table id="faults"><thead><tr>`);
    for (const h of [
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
    ])
      out.push(`<th>${esc(h)}</th>`);
    out.push("</tr></thead><tbody>");
    for (const f of v.faults)
      out.push(
        `<tr data-fault="${esc(f.id)}"><td>${esc(f.id)} (${esc(f.kind)})</td><td>${esc(f.link)}</td><td class="num">${f.plannedStartMs}–${f.plannedEndMs}</td><td class="num">${ms(f.appliedStartMs)}–${ms(f.appliedEndMs)}</td><td class="num">${ms(f.startSkewMs)}</td><td class="num">${ms(f.timeToDetectMs)}</td><td class="num">${ms(f.timeToRecoverMs)}</td><td class="num">${pct(f.errorRateDuring, lang)}</td><td class="num">${ms(f.p95DuringMs)}</td><td class="num">${f.burnRate ?? "—"}</td><td class="num">${pct(f.errorBudgetBurned, lang)}</td></tr>`,
      );
    out.push("</tbody></table>");
    out.push(
      `<p class="note">${esc(L.baseline)} ${v.baseline.fromMs}–${v.baseline.toMs} ms: ${v.baseline.requests} ${esc(L.requests)}, ${esc(pct(v.baseline.errorRate, lang))}, p95 ${ms(v.baseline.p95Ms)}. ${esc(L.tolerance)}: ${esc(v.tolerance.rule)}.</p>`,
    );
  }

  // Dossier funnel.
  const d = v.dossiers;
  out.push(`<h2>${esc(L.dossiers)}</h2><table class="funnel" id="funnel"><tbody>`);
  const top = Math.max(1, d.submitted);
  const row = (key: string, label: string, n: number | null, bad = false) => {
    const w = n === null ? 0 : Math.max(n > 0 ? 2 : 0, Math.round((n / top) * 500));
    out.push(
      `<tr data-stage="${key}"><td>${esc(label)}</td><td class="num">${n === null ? esc(L.notChecked) : n}</td><td><span class="bar${bad ? " bad" : ""}" style="width:${w}px"></span></td></tr>`,
    );
  };
  row("submitted", L.funnel.submitted, d.submitted);
  row("acknowledged", L.funnel.acknowledged, d.acknowledged);
  row("found", L.funnel.found, d.found);
  row("lost", L.funnel.lost, d.lost, true);
  row("duplicated", L.funnel.duplicated, d.duplicated, true);
  row("stuck", L.funnel.stuck, d.stuck, true);
  row("illegal", L.funnel.illegal, d.illegalTransitions, true);
  row("lookup-errors", L.funnel.lookupErrors, d.lookupErrors, true);
  out.push("</tbody></table>");
  const ex: Array<[string, readonly string[]]> = [
    [L.funnel.lost, d.examples.lost],
    [L.funnel.duplicated, d.examples.duplicated],
    [L.funnel.stuck, d.examples.stuck],
    [L.funnel.illegal, d.examples.illegal],
  ];
  for (const [label, list] of ex)
    if (list.length > 0)
      out.push(
        `<p class="examples"><strong>${esc(L.examples)} (${esc(label)}):</strong> ${list.map((c) => `<code>${esc(c)}</code>`).join(", ")}</p>`,
      );
  for (const n of d.notes) out.push(`<p class="note">${esc(n)}</p>`);

  // Resilience figures.
  out.push(
    `<h2>${esc(L.resilience)}</h2><table id="resilience"><thead><tr><th>${esc(L.figure)}</th><th>${esc(L.value)}</th></tr></thead><tbody>`,
  );
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
  if (v.errorBudget) {
    const b = v.errorBudget;
    out.push(
      `<p>${esc(L.errorBudget)}: ${esc(L.errorBudgetLine(formatValue(b.sloErrorRate, "ratio", lang), String(b.allowedErrors), b.errors, b.burned === null ? "—" : formatValue(b.burned, "ratio", lang)))}</p>`,
    );
  }

  // Load, and the engine that made it.
  const l = v.load;
  out.push(
    `<h2>${esc(L.load)}</h2><p>${esc(L.loadLine(l.plannedIterations, l.plannedPeakRequestsPerS, l.achievedIterations, l.achievedRequests, l.droppedIterations))}</p>`,
  );
  const cpu = l.generatorCpu;
  out.push(
    `<p>${esc(L.generatorCpu)}: ${esc(cpu.value === null ? `${L.notMeasured}: ${cpu.reason}` : formatValue(cpu.value, "ratio", lang))}</p>`,
  );
  out.push(
    `<p>${esc(L.steady)}: p50 ${ms(v.steady.p50Ms)}, p95 ${ms(v.steady.p95Ms)}, p99 ${ms(v.steady.p99Ms)}, ${esc(pct(v.steady.errorRate, lang))}.</p>`,
  );
  out.push(`<h3>${esc(L.engine)}</h3><table id="engine"><tbody>`);
  for (const [key, label, value] of engineRows(v, lang))
    out.push(`<tr data-engine="${key}"><td>${esc(label)}</td><td>${esc(value)}</td></tr>`);
  out.push("</tbody></table>");
  for (const r of l.engine.reason) out.push(`<p class="note">${esc(r)}</p>`);
  if (series) out.push(...loadCharts(series, L, xMax, bands));
  out.push(
    `<h2>${esc(L.steps)}</h2><table id="steps"><thead><tr><th>${esc(L.step)}</th><th>${esc(L.requests)}</th><th>%</th><th>p50</th><th>p95</th><th>p99</th></tr></thead><tbody>`,
  );
  for (const s of v.steps)
    out.push(
      `<tr><td>${esc(s.step)}</td><td class="num">${s.requests}</td><td class="num">${esc(pct(s.errorRate, lang))}</td><td class="num">${ms(s.p50Ms)}</td><td class="num">${ms(s.p95Ms)}</td><td class="num">${ms(s.p99Ms)}</td></tr>`,
    );
  out.push("</tbody></table>");
  if (v.provinces && v.provinces.length > 0) {
    out.push(
      `<h2>${esc(L.provinces)}</h2><table id="provinces"><thead><tr><th>${esc(L.province)}</th><th>${esc(L.requests)}</th><th>%</th><th>p95</th></tr></thead><tbody>`,
    );
    for (const p of v.provinces)
      out.push(
        `<tr><td>${esc(p.province)}</td><td class="num">${p.requests}</td><td class="num">${esc(pct(p.errorRate, lang))}</td><td class="num">${ms(p.p95Ms)}</td></tr>`,
      );
    out.push("</tbody></table>");
  }

  if (v.assumptions.length > 0) {
    out.push(`<h2>${esc(L.assumptions)}</h2>`);
    for (const a of v.assumptions)
      out.push(`<p class="assumption"><strong>${esc(L.assumption)}:</strong> ${esc(a)}</p>`);
  }

  const f = v.fingerprint;
  out.push(`<h2>${esc(L.fingerprint)}</h2><table id="fingerprint"><tbody>`);
  out.push(
    `<tr><td>${esc(L.tools)}</td><td>${esc(
      Object.entries(f.tools)
        .map(([k, x]) => `${k} ${x}`)
        .join(", "),
    )}; Node ${esc(f.node)}</td></tr>`,
  );
  out.push(
    `<tr><td>${esc(L.seed)}</td><td>${f.seed}</td></tr><tr><td>${esc(L.git)}</td><td><code>${esc(f.gitRevision ?? "unknown")}</code></td></tr>`,
  );
  const hashes: Array<[string, string]> = [
    ["config", f.configHash],
    ["profile", f.profileHash],
    ["fault plan", f.faultPlanHash],
    ["scenario bundle", f.scenarioBundleHash],
    ...Object.entries(f.dataHashes ?? {}),
  ];
  for (const [k, h] of hashes)
    out.push(`<tr><td>${esc(L.hashes)} ${esc(k)}</td><td><code>${esc(h)}</code></td></tr>`);
  out.push("</tbody></table>");
  out.push("</main></body></html>\n");
  return out.join("\n");
};
