import type { SeriesFile } from "../run-dir/series-file.js";
import type { HtmlPage } from "./html-page.js";
import type { Labels } from "./i18n.js";
import { type ChartBand, type ChartSeries, escapeXml as esc, renderChart } from "./svg-chart.js";

const stepColors = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"];

/** The y axis of the latency charts: 1.2 × the 98th percentile of the windows' p99, so one spike does not flatten them. */
const latencyClamp = (p: HtmlPage): number | undefined => {
  const p99s = p.v.series
    .map((w) => w.p99Ms)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  return p99s.length > 0 ? Math.max(10, (p99s[Math.floor(p99s.length * 0.98)] ?? 0) * 1.2) : undefined;
};

/** Throughput, latency percentiles and error rate over time, with the fault windows shaded. */
const runCharts = (p: HtmlPage, clamp: number | undefined): string[] => {
  const { v, L, xMax, bands } = p;
  const perS = 1000 / v.tolerance.windowMs;
  const frame = { xLabel: L.seconds, xMaxMs: xMax, bands };
  return [
    renderChart({
      id: "chart-throughput",
      title: L.throughput,
      yUnit: "req/s",
      ...frame,
      series: [
        {
          name: "requests/s",
          color: "#1f77b4",
          points: v.series.map((w) => [w.t, w.requests * perS] as const),
        },
        { name: "errors/s", color: "#c62828", points: v.series.map((w) => [w.t, w.errors * perS] as const) },
      ],
    }),
    renderChart({
      id: "chart-latency",
      title: L.latency,
      yUnit: "ms",
      ...frame,
      ...(clamp === undefined ? {} : { yMax: clamp }),
      series: [
        { name: "p50", color: "#2ca02c", points: v.series.map((w) => [w.t, w.p50Ms] as const) },
        { name: "p95", color: "#ff7f0e", points: v.series.map((w) => [w.t, w.p95Ms] as const) },
        { name: "p99", color: "#9467bd", points: v.series.map((w) => [w.t, w.p99Ms] as const), dashed: true },
      ],
    }),
    renderChart({
      id: "chart-errors",
      title: L.errorRate,
      yUnit: "%",
      ...frame,
      series: [
        {
          name: "error rate %",
          color: "#c62828",
          points: v.series.map((w) => [w.t, w.requests > 0 ? (100 * w.errors) / w.requests : null] as const),
        },
      ],
    }),
  ];
};

/** From series.json: p95 per step and the gateway's queue depth, each when there is something to draw. */
const breakdownCharts = (p: HtmlPage, clamp: number | undefined): string[] => {
  const { series, L, xMax, bands } = p;
  const out: string[] = [];
  const frame = { xLabel: L.seconds, xMaxMs: xMax, bands };
  if (series && series.steps.length > 0)
    out.push(
      renderChart({
        id: "chart-steps",
        title: `${L.stepLatency} (${series.breakdownWindowMs} ms)`,
        yUnit: "ms",
        ...frame,
        ...(clamp === undefined ? {} : { yMax: clamp }),
        series: series.steps.map((s, i) => ({
          name: s.key,
          color: stepColors[i % stepColors.length] ?? "#333",
          points: s.points.map((pt) => [pt[0], pt[3]] as const),
        })),
      }),
    );
  if (series && series.queue.length > 0)
    out.push(
      renderChart({
        id: "chart-queue",
        title: L.queueDepth,
        yUnit: "depth",
        ...frame,
        series: [
          { name: "queue depth", color: "#8c564b", points: series.queue.map((q) => [q[0], q[1]] as const) },
        ],
      }),
    );
  return out;
};

/** The charts section. */
export const chartsSection = (p: HtmlPage): string[] => {
  const clamp = latencyClamp(p);
  return [
    `<h2>${esc(p.L.charts)}</h2><p class="note">${esc(p.L.faultShaded)}</p>`,
    ...runCharts(p, clamp),
    ...breakdownCharts(p, clamp),
  ];
};

/**
 * The load engine over time, from series.json's load windows: VUs busy and allocated, iteration start lag,
 * dropped iterations, checks and bytes. A chart with nothing to draw is left out (dropped iterations get a
 * sentence instead of a flat line).
 */
export const loadCharts = (series: SeriesFile, L: Labels, xMaxMs: number, bands: ChartBand[]): string[] => {
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
