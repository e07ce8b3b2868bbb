import type { Caps } from "../config.js";
import { type ResolvedOptions, scheduleEndMs } from "../options/resolve.js";

const hint = "lower the script's options or the command's flags; a cap can be lowered, never raised";

/** The plan's peak of arrival-rate iteration starts per second, summed over scenarios. */
const peakRatePerS = (o: ResolvedOptions): number =>
  o.scenarios.reduce((a, s) => {
    if (s.executor !== "constant-arrival-rate" && s.executor !== "ramping-arrival-rate") return a;
    return a + Math.max(s.curve.startPerMs, ...s.curve.stages.map((st) => st.targetPerMs)) * 1000;
  }, 0);

/** What in a resolved plan goes over a cap, one line each naming the option and the cap. Pure. */
export const planCapProblems = (o: ResolvedOptions, caps: Caps, script: string): string[] => {
  const problems: string[] = [];
  const vus = o.scenarios.reduce((a, s) => a + s.maxVUs, 0);
  if (vus > caps.maxVUs)
    problems.push(
      `${script}: options.scenarios: up to ${vus} VUs, over caps.maxVUs ${caps.maxVUs} (${hint})`,
    );
  const endS = scheduleEndMs(o) / 1000;
  if (endS > caps.maxDurationS)
    problems.push(
      `${script}: options.scenarios: lasts up to ${endS} s with graceful stops, over caps.maxDurationS ${caps.maxDurationS} s (${hint})`,
    );
  const peak = peakRatePerS(o);
  if (peak > caps.maxRatePerS)
    problems.push(
      `${script}: options.scenarios: starts up to ${Number(peak.toFixed(3))} iterations/s, over caps.maxRatePerS ${caps.maxRatePerS} (${hint})`,
    );
  return problems;
};

export interface RunningTotals {
  elapsedS: number;
  /** Bytes the requests sent and received so far. */
  bytes: number;
  requests: number;
  failedRequests: number;
}

/** The line that says a test stopped on its byte cap. */
export const byteCapBreach = (bytes: number, maxBytes: number): string =>
  `stopped by caps.maxBytes: ${bytes} bytes sent and received, over the cap of ${maxBytes}`;

/** The cap a running test has hit, as the line that says why it stopped; null while within every cap. Pure. */
export const runtimeCapBreach = (caps: Caps, t: RunningTotals): string | null => {
  if (t.bytes > caps.maxBytes) return byteCapBreach(t.bytes, caps.maxBytes);
  if (
    caps.maxErrorRate !== null &&
    t.elapsedS >= caps.errorRateGraceS &&
    t.requests >= caps.errorRateMinRequests &&
    t.failedRequests / t.requests > caps.maxErrorRate
  )
    return `stopped by caps.maxErrorRate: ${t.failedRequests} of ${t.requests} requests failed (${((100 * t.failedRequests) / t.requests).toFixed(1)} %), over the cap of ${(100 * caps.maxErrorRate).toFixed(1)} %`;
  return null;
};
