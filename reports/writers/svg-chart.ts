/**
 * Time-series charts as inline SVG, drawn when the report is written. Chosen over uPlot: no script runs in the
 * report (it opens with scripts blocked by its own Content-Security-Policy), nothing to inline but markup, and
 * each chart is a few KB; hover values come from SVG <title> elements.
 */

export const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export interface ChartSeries {
  name: string;
  color: string;
  /** [x in ms after t0, y]; null y breaks the line. */
  points: ReadonlyArray<readonly [number, number | null]>;
  dashed?: boolean;
}

export interface ChartBand {
  id: string;
  label: string;
  fromMs: number;
  toMs: number;
  /** Planned but never applied: drawn hatched. */
  plannedOnly: boolean;
}

export interface ChartOptions {
  id: string;
  title: string;
  xLabel: string;
  yUnit: string;
  xMaxMs: number;
  series: readonly ChartSeries[];
  bands: readonly ChartBand[];
  width?: number;
  height?: number;
  /** Clamp the y axis (a timeout spike would flatten everything else); clamped points are drawn at the top. */
  yMax?: number;
}

const niceStep = (span: number, target: number): number => {
  const raw = span / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
};

const fmt = (n: number): string =>
  Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);

export const renderChart = (o: ChartOptions): string => {
  const width = o.width ?? 900;
  const height = o.height ?? 220;
  const m = { left: 56, right: 12, top: 24, bottom: 34 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const xMax = Math.max(1000, o.xMaxMs);
  let yMaxData = 0;
  for (const s of o.series) for (const [, y] of s.points) if (y !== null && y > yMaxData) yMaxData = y;
  const yTop0 = o.yMax === undefined ? yMaxData : Math.min(yMaxData, o.yMax);
  const yStep = niceStep(yTop0 > 0 ? yTop0 : 1, 4);
  const yTop = Math.max(yStep, Math.ceil((yTop0 > 0 ? yTop0 : 1) / yStep) * yStep);
  const x = (ms: number) => m.left + (Math.min(Math.max(ms, 0), xMax) / xMax) * pw;
  const y = (v: number) => m.top + ph - (Math.min(v, yTop) / yTop) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${escapeXml(o.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}">`,
  );
  parts.push(`<title>${escapeXml(o.title)}</title>`);
  parts.push(
    `<defs><pattern id="${escapeXml(o.id)}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="2" height="6" fill="#d9822b" fill-opacity="0.35"/></pattern></defs>`,
  );
  for (const b of o.bands) {
    const x0 = x(b.fromMs);
    const x1 = Math.max(x0 + 1, x(b.toMs));
    parts.push(
      `<rect class="fault-window${b.plannedOnly ? " planned-only" : ""}" data-fault="${escapeXml(b.id)}" x="${x0.toFixed(1)}" y="${m.top}" width="${(x1 - x0).toFixed(1)}" height="${ph}" fill="${b.plannedOnly ? `url(#${escapeXml(o.id)}-hatch)` : "#d9822b"}" fill-opacity="${b.plannedOnly ? 1 : 0.18}"><title>${escapeXml(b.label)}</title></rect>`,
    );
    parts.push(
      `<text class="fault-label" x="${(x0 + 2).toFixed(1)}" y="${m.top - 6}" font-size="10" fill="#a0581b">${escapeXml(b.id)}</text>`,
    );
  }
  // Axes and grid.
  for (let v = 0; v <= yTop + 1e-9; v += yStep) {
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${yy}" y2="${yy}" stroke="#e3e3e3"/>`);
    parts.push(
      `<text x="${m.left - 6}" y="${yy}" font-size="10" text-anchor="end" dominant-baseline="middle" fill="#555">${fmt(v)}</text>`,
    );
  }
  const xStep = niceStep(xMax / 1000, 8) * 1000;
  for (let t = 0; t <= xMax + 1e-9; t += xStep) {
    const xx = x(t).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#888"/>`);
    parts.push(
      `<text x="${xx}" y="${m.top + ph + 15}" font-size="10" text-anchor="middle" fill="#555">${fmt(t / 1000)}</text>`,
    );
  }
  parts.push(
    `<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#888"/><line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#888"/>`,
  );
  parts.push(
    `<text x="${m.left + pw / 2}" y="${height - 4}" font-size="11" text-anchor="middle" fill="#333">${escapeXml(o.xLabel)}</text>`,
  );
  parts.push(`<text x="4" y="14" font-size="11" fill="#333">${escapeXml(o.yUnit)}</text>`);
  // Lines.
  for (const s of o.series) {
    let d = "";
    let pen = false;
    for (const [px, py] of s.points) {
      if (py === null) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${x(px).toFixed(1)} ${y(py).toFixed(1)}`;
      pen = true;
    }
    if (d === "") continue;
    parts.push(
      `<path class="series" data-series="${escapeXml(s.name)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="4 3"' : ""}><title>${escapeXml(s.name)}</title></path>`,
    );
  }
  // Legend.
  let lx = m.left + 4;
  for (const s of o.series) {
    parts.push(
      `<rect x="${lx}" y="${m.top + 2}" width="10" height="3" fill="${s.color}"/><text x="${lx + 14}" y="${m.top + 7}" font-size="10" fill="#333">${escapeXml(s.name)}</text>`,
    );
    lx += 22 + s.name.length * 6;
  }
  parts.push("</svg>");
  return parts.join("");
};
