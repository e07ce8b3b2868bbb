import type { SeriesFile } from "../run-dir/series-file.js";
import type { Verdict } from "../verdict/schema.js";
import { formatValue, type Labels, type Lang, labelsFor } from "./i18n.js";
import type { ChartBand } from "./svg-chart.js";

/** What every section of the HTML report reads: the verdict, its series, the language, the charts' frame. */
export interface HtmlPage {
  v: Verdict;
  series: SeriesFile | null;
  lang: Lang;
  L: Labels;
  /** The charts' x axis: the run, or the last fault's end if later. */
  xMax: number;
  /** Each fault's window, shaded on every chart (applied times; planned ones hatched when never applied). */
  bands: ChartBand[];
}

export const pageOf = (v: Verdict, series: SeriesFile | null, lang: Lang): HtmlPage => {
  const L = labelsFor(lang);
  const xMax = Math.max(
    (v.series.length || 1) * v.tolerance.windowMs,
    ...v.faults.map((f) => Math.max(f.plannedEndMs, f.appliedEndMs ?? 0)),
  );
  const bands: ChartBand[] = v.faults.map((f) => ({
    id: f.id,
    label: `${f.id}: ${f.kind} on ${f.link}, ${f.appliedStartMs === null ? `${L.planned} ${f.plannedStartMs}–${f.plannedEndMs} ms` : `${L.applied} ${Math.round(f.appliedStartMs)}–${Math.round(f.appliedEndMs ?? f.plannedEndMs)} ms`}`,
    fromMs: f.appliedStartMs ?? f.plannedStartMs,
    toMs: f.appliedEndMs ?? f.plannedEndMs,
    plannedOnly: f.appliedStartMs === null,
  }));
  return { v, series, lang, L, xMax, bands };
};

export const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? "—" : `${Math.round(v)} ms`;
export const pct = (v: number | null | undefined, lang: Lang): string =>
  v === null || v === undefined ? "—" : formatValue(v, "ratio", lang);
