import type { Verdict } from "../verdict/schema.js";
import { formatValue, type Lang, labelsFor } from "./i18n.js";

/**
 * The "load engine" block of the reports, as [key, label, value] rows: how the engine ended, its workers and
 * their start behind t0, its iterations, and VUs, start lag, checks and bytes.
 */
export const engineRows = (v: Verdict, lang: Lang): Array<[string, string, string]> => {
  const L = labelsFor(lang);
  const l = v.load;
  const e = l.engine;
  const ms = (x: number | null) => formatValue(x, "ms", lang);
  const count = (x: number | null) => (x === null ? "—" : formatValue(x, "", lang).trim());
  const checked = l.checks.passes + l.checks.fails;
  return [
    [
      "status",
      L.engineStatus,
      L.engineStatuses[l.engineStatus] === l.engineStatus
        ? l.engineStatus
        : `${L.engineStatuses[l.engineStatus]} (${l.engineStatus})`,
    ],
    ["workers", L.workers, String(e.workers)],
    [
      "start-offsets",
      L.workerOffsets,
      e.workerStartOffsetsMs
        .map((o, i) => `${L.worker} ${i}: ${o === null ? L.notStarted : ms(o)}`)
        .join(", ") || "—",
    ],
    [
      "iterations",
      L.iterations,
      L.iterationsLine(
        e.iterations.started,
        e.iterations.completed,
        e.iterations.interrupted,
        e.iterations.dropped,
        e.iterations.errors,
      ),
    ],
    ["vus", L.vusPeak, L.vusLine(count(l.vusBusyPeak), count(l.vusMaxPeak))],
    [
      "start-lag",
      L.startLag,
      `p50 ${ms(l.startLagP50Ms)}, p99 ${ms(l.startLagP99Ms)}, ${L.max} ${ms(l.startLagMaxMs)}`,
    ],
    [
      "checks",
      L.checks,
      L.checksLine(
        l.checks.passes,
        l.checks.fails,
        checked === 0 ? "—" : formatValue(l.checks.passes / checked, "ratio", lang),
      ),
    ],
    [
      "data",
      L.data,
      L.dataLine(formatValue(l.bytesSent, "bytes", lang), formatValue(l.bytesReceived, "bytes", lang)),
    ],
  ];
};
