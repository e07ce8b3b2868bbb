import { faultKind } from "./faults/index.js";
import { type FaultPlan, faultEnd } from "./plan.js";

/**
 * The fault timeline beside the load as text, one column per time slice: a row for the load's planned level,
 * one for the steady-state baseline and one per fault. Pure, for `portal-harness plan`.
 */
export interface TimelineTextInput {
  durationS: number;
  /** Planned load level (0..1 of peak) at t seconds after t0. */
  levelAt: (t: number) => number;
  peakRequestsPerS: number;
  baselineS: number;
  plan: FaultPlan;
  /** Columns of the chart; default: one per second up to 60. */
  columns?: number;
}

const bars = " ▁▂▃▄▅▆▇█";
const shades = "▂▄▆█";
const labelWidth = 28;

/** Glyph of a fault at time t (seconds after t0), or null when it is not in force. */
const glyphAt = (fault: FaultPlan["faults"][number], t: number): string | null => {
  const offsetMs = (t - fault.startS) * 1000;
  if (offsetMs < 0 || offsetMs >= fault.durationS * 1000) return null;
  const steps = faultKind(fault.kind).steps(fault.params, fault.durationS * 1000);
  const current = steps.filter((s) => s.atMs <= offsetMs && s.phase !== "remove").at(-1);
  if (fault.kind === "flapping") return current?.label.startsWith("up") ? "░" : "█";
  if (fault.kind === "ramp") {
    const i = current ? steps.indexOf(current) : 0;
    const n = steps.length - 1;
    return shades[Math.min(shades.length - 1, Math.floor((i / n) * shades.length))] ?? "█";
  }
  return "█";
};

const axis = (columns: number, secondsPerColumn: number): string => {
  let line = "";
  for (let c = 0; c < columns; c += 10) line += `${Math.round(c * secondsPerColumn)}s`.padEnd(10);
  return `${"".padEnd(labelWidth)}${line.slice(0, columns + 6).trimEnd()}`;
};

export const renderTimelineText = (input: TimelineTextInput): string[] => {
  const columns = input.columns ?? Math.max(1, Math.min(60, Math.ceil(input.durationS)));
  const spc = input.durationS / columns;
  const mid = (c: number) => (c + 0.5) * spc;
  const row = (label: string, cell: (c: number) => string) =>
    `  ${label.slice(0, labelWidth - 3).padEnd(labelWidth - 2)}${Array.from({ length: columns }, (_, c) => cell(c)).join("")}`;
  const out = [
    `Timeline (0-${input.durationS} s after t0, the start of the load; 1 column = ${Number(spc.toFixed(2))} s):`,
    axis(columns, spc),
    row(`load (peak ${Number(input.peakRequestsPerS.toFixed(1))} req/s)`, (c) => {
      const level = Math.max(0, Math.min(1, input.levelAt(mid(c))));
      return bars[Math.round(level * (bars.length - 1))] ?? " ";
    }),
    row(`baseline (≥ ${input.baselineS} s)`, (c) => (mid(c) < input.baselineS ? "=" : " ")),
  ];
  for (const f of input.plan.faults) {
    // A fault shorter than a column still shows: sample the part of the column the fault covers.
    out.push(
      row(`${f.id}`, (c) => {
        const from = Math.max(c * spc, f.startS);
        const to = Math.min((c + 1) * spc, faultEnd(f)) - 1e-6;
        if (to < from) return "·";
        const glyphs = [from, (from + to) / 2, to].map((t) => glyphAt(f, t));
        if (glyphs.includes("█") && glyphs.includes("░")) return "▒";
        return glyphs.find((g) => g !== null) ?? "·";
      }),
    );
  }
  if (input.plan.faults.length > 0)
    out.push(`${"".padEnd(labelWidth)}█ in force  ░ flapping link up  ▒ both  ▂▄▆█ ramp steps  · none`);
  return out;
};
