import type { SeriesFile } from "../run-dir/series-file.js";
import type { Verdict } from "../verdict/schema.js";
import { chartsSection } from "./html-charts.js";
import { type HtmlPage, pageOf } from "./html-page.js";
import {
  assumptionsSection,
  criteriaSection,
  dossiersSection,
  faultsSection,
  fingerprintSection,
  loadSection,
  provincesSection,
  resilienceSection,
  stepsSection,
} from "./html-sections.js";
import type { Lang } from "./i18n.js";
import { escapeXml as esc } from "./svg-chart.js";

export interface HtmlInput {
  verdict: Verdict;
  series: SeriesFile | null;
  lang: Lang;
}

const css = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1b1b1b;margin:0;background:#fafafa}
main{max-width:960px;margin:0 auto;padding:16px 20px 48px;background:#fff}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:700;color:#fff}
.passed{background:#2e7d32}.failed{background:#c62828}.inconclusive{background:#ef6c00}
tr.fail td.res{color:#c62828;font-weight:700}tr.pass td.res{color:#2e7d32}tr.not-judged td.res{color:#757575;font-style:italic}
.meta{color:#444;margin:2px 0}.note{color:#666;font-size:12px}.assumption{background:#fff8e1;border-left:3px solid #f9a825;padding:4px 8px;margin:4px 0}
.funnel .bar{height:18px;background:#1f77b4;display:inline-block;vertical-align:middle}.funnel .bad{background:#c62828}
.funnel td{border:none;padding:2px 6px}.chart{display:block;margin:4px 0 12px;max-width:100%;height:auto}
code{font-size:12px;background:#f4f4f4;padding:1px 3px}
`;

/** The document's head: a CSP that forbids scripts and every fetch, the title and the inline style. */
const head = ({ v, L, lang }: HtmlPage): string[] => [
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">`,
  `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
  `<meta name="viewport" content="width=device-width, initial-scale=1">`,
  `<title>${esc(`${L.title} ${v.runId}: ${L.outcome[v.outcome]}`)}</title><style>${css}</style></head><body><main>`,
];

/** The run, its outcome, what it ran against, and why it was inconclusive if it was. */
const header = ({ v, L }: HtmlPage): string[] => [
  `<h1>${esc(L.title)} <code>${esc(v.runId)}</code> <span class="badge ${v.outcome}" id="outcome">${esc(L.outcome[v.outcome])}</span></h1>`,
  `<p class="meta">${esc(L.target)}: ${esc(v.target)} · ${esc(L.profile)}: ${esc(v.profile)} · ${esc(L.faultPlan)}: ${esc(v.faultPlan)}</p>`,
  `<p class="meta">${esc(L.loadStarted)}: ${esc(v.loadStartedAt)}</p>`,
  ...v.inconclusiveReasons.map(
    (r) => `<p class="assumption"><strong>${esc(L.inconclusive)}:</strong> ${esc(r)}</p>`,
  ),
];

const sections: ReadonlyArray<(p: HtmlPage) => string[]> = [
  head,
  header,
  criteriaSection,
  chartsSection,
  faultsSection,
  dossiersSection,
  resilienceSection,
  loadSection,
  stepsSection,
  provincesSection,
  assumptionsSection,
  fingerprintSection,
];

/** A self-contained HTML report: inline CSS and SVG only, no script, nothing fetched (its CSP forbids it). */
export const renderHtml = ({ verdict, series, lang }: HtmlInput): string => {
  const page = pageOf(verdict, series, lang);
  return [...sections.flatMap((section) => section(page)), "</main></body></html>\n"].join("\n");
};
