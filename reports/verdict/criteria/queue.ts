import type { RetryTally } from "../../analysis/windows.js";
import type { TargetFigures } from "../../metrics/figures.js";
import { round } from "../round.js";
import type { Criterion, Verdict } from "../schema.js";
import { fromCatalogue, judgeUnless, type NotJudged } from "./judge.js";

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

/** What a drain criterion of the target's metrics needs: its limit, the metrics, and something to drain. */
export interface DrainExercise {
  withinS: number | undefined;
  /** The run config's name for the limit. */
  limit: string;
  exposed: boolean;
  formed: boolean;
  /** Says that nothing formed. */
  nothing: string;
}

/** Why a drain criterion of the target's metrics is not judged, or null when it is. */
export const drainNotJudged = (d: DrainExercise): NotJudged | null => {
  if (d.withinS === undefined)
    return { because: "not-exercised", reason: `the run config sets no limit (${d.limit})` };
  if (!d.exposed) return { because: "not-exposed", reason: "the target has no /metrics" };
  if (!d.formed) return { because: "not-exercised", reason: d.nothing };
  return null;
};

/**
 * `queue-drain`, always listed: judged when the target exposes metrics, a queue formed (peak above zero) and
 * the run config sets `queueDrainWithinS`.
 */
export const queueDrainCriteria = (
  t: { source: string; queue: Pick<TargetFigures["queue"], "peakDepth" | "drainTimeMs"> },
  withinS: number | undefined,
): Criterion[] => {
  const peak = t.queue.peakDepth.value;
  const drain = t.queue.drainTimeMs;
  const why = drainNotJudged({
    withinS,
    limit: "queueDrainWithinS",
    exposed: t.source !== "none" && peak !== null,
    formed: peak !== null && peak > 0,
    nothing: "no queue formed at the gateway (peak depth 0)",
  });
  return [
    judgeUnless(
      {
        ...fromCatalogue("queue-drain"),
        observed: drain.value,
        threshold: (withinS ?? 0) * 1000,
        note: drain.value === null ? drain.reason : undefined,
      },
      why,
    ),
  ];
};

/**
 * `retry-after-sent`, always listed, judged on the portal when the load retried refusals: they must say when
 * to come back. Whether the load waited that long is the client's behaviour (it caps waits so a VU is never
 * held long), so it is reported, not judged.
 */
export const retryAfterCriteria = (retry: RetryTally): Criterion[] => [
  judgeUnless(
    {
      ...fromCatalogue("retry-after-sent"),
      observed: round(retryAfterShares(retry).sent),
      threshold: 1,
      comparison: ">=",
    },
    retry.afterRefusal > 0
      ? null
      : { because: "not-exercised", reason: "the load retried no refusal (429/503)" },
  ),
];
