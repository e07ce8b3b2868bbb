import type { WindowStat } from "../analysis/windows.js";

/** The band a window's SLI must stay inside to count as healthy (DESIGN.md: measuring honestly). */
export interface Tolerance {
  errorRateMax: number;
  p95MaxMs: number;
}

export interface ToleranceSettings {
  errorRateTolerancePp: number;
  p95Factor: number;
  p95SlackMs: number;
}

export interface BaselineStats {
  errorRate: number;
  p95Ms: number;
  requests: number;
}

/** error rate ≤ baseline + pp; p95 ≤ max(factor × baseline p95, baseline p95 + slack). */
export const toleranceFrom = (baseline: BaselineStats, s: ToleranceSettings): Tolerance => ({
  errorRateMax: baseline.errorRate + s.errorRateTolerancePp / 100,
  p95MaxMs: Math.max(baseline.p95Ms * s.p95Factor, baseline.p95Ms + s.p95SlackMs),
});

/** A window with no requests cannot show health, so it is out of tolerance. */
export const withinTolerance = (w: WindowStat, tol: Tolerance): boolean =>
  w.requests > 0 && (w.errorRate ?? 1) <= tol.errorRateMax && (w.p95Ms === null || w.p95Ms <= tol.p95MaxMs);

export interface FaultTiming {
  timeToDetectMs: number | null;
  timeToRecoverMs: number | null;
}

/**
 * Time to detect: from fault start to the start of the first window (overlapping the fault) out of tolerance;
 * null if none. Time to recover: from fault end to the start of the first run of `n` consecutive in-tolerance
 * windows that begins after the fault has ended; null if the run never recovers.
 */
export const faultTiming = (
  windows: readonly WindowStat[],
  windowMs: number,
  startMs: number,
  endMs: number,
  tol: Tolerance,
  n: number,
): FaultTiming => {
  let timeToDetectMs: number | null = null;
  for (const w of windows) {
    if (w.startMs + windowMs <= startMs) continue;
    if (w.startMs >= endMs) break;
    if (!withinTolerance(w, tol)) {
      timeToDetectMs = Math.max(0, w.startMs - startMs);
      break;
    }
  }
  let timeToRecoverMs: number | null = null;
  const first = Math.max(0, Math.ceil(endMs / windowMs));
  for (let k = first; k + n <= windows.length; k++) {
    let ok = true;
    for (let j = k; j < k + n; j++) {
      const w = windows[j];
      if (!w || !withinTolerance(w, tol)) {
        ok = false;
        k = j; // the next candidate run starts after this bad window
        break;
      }
    }
    if (ok) {
      timeToRecoverMs = Math.max(0, (windows[k]?.startMs ?? 0) - endMs);
      break;
    }
  }
  return { timeToDetectMs, timeToRecoverMs };
};
