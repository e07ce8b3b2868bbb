import type { RetryTally } from "../../analysis/windows.js";
import type { TargetFigures } from "../../metrics/figures.js";
import { round } from "../round.js";
import type { Criterion, Verdict } from "../schema.js";
import { judge } from "./judge.js";

/** Shares of the load's retries after a refusal (429/503) that carried Retry-After, and that waited it out. */
const retryAfterShares = (r: RetryTally): { sent: number | null; honoured: number | null } => ({
  sent: r.afterRefusal > 0 ? r.withRetryAfter / r.afterRefusal : null,
  honoured: r.withRetryAfter > 0 ? r.honoured / r.withRetryAfter : null,
});

/** The gateway's queue from the target figures, and Retry-After as the load's retries saw it. */
export const queueFigures = (q: TargetFigures["queue"], retry: RetryTally): Verdict["queue"] => {
  const shares = retryAfterShares(retry);
  return {
    peakDepth: q.peakDepth,
    drainTimeMs: q.drainTimeMs,
    shed: q.shed,
    admitted: q.admitted,
    retryAfter: {
      retries: retry.retries,
      afterRefusal: retry.afterRefusal,
      sentShare:
        shares.sent === null
          ? { value: null, reason: "the load retried no refusal (429/503), so none could carry Retry-After" }
          : { value: round(shares.sent) ?? 0 },
      honouredShare:
        shares.honoured === null
          ? { value: null, reason: "no retry was answered with Retry-After" }
          : { value: round(shares.honoured) ?? 0 },
    },
  };
};

/**
 * `queue-drain`: judged when the target exposes metrics, a queue formed (peak above zero) and the run config
 * sets `queueDrainWithinS`.
 */
export const queueDrainCriteria = (
  t: { source: string; queue: Pick<TargetFigures["queue"], "peakDepth" | "drainTimeMs"> },
  withinS: number | undefined,
): Criterion[] => {
  const peak = t.queue.peakDepth.value;
  const drain = t.queue.drainTimeMs;
  const formed = peak !== null && peak > 0;
  return t.source !== "none" && formed && withinS !== undefined
    ? [
        judge({
          id: "queue-drain",
          title: "Gateway queue drained after its peak",
          observed: drain.value,
          threshold: withinS * 1000,
          unit: "ms",
          note: drain.value === null ? drain.reason : undefined,
        }),
      ]
    : [];
};

/**
 * `retry-after-sent`, judged on the portal when the load retried refusals: they must say when to come back.
 * Whether the load waited that long is the client's behaviour (it caps waits so a VU is never held long), so
 * it is reported, not judged.
 */
export const retryAfterCriteria = (retry: RetryTally): Criterion[] =>
  retry.afterRefusal > 0
    ? [
        judge({
          id: "retry-after-sent",
          title: "Refusals (429/503) that the client retried carried Retry-After",
          observed: round(retryAfterShares(retry).sent),
          threshold: 1,
          unit: "ratio",
          comparison: ">=",
        }),
      ]
    : [];
