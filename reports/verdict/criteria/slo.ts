import type { SloSettings } from "../input.js";
import { round } from "../round.js";
import type { Criterion } from "../schema.js";
import type { TallySummary } from "../tally-summary.js";
import { judge, judgeUnless, type NotJudged, notJudged } from "./judge.js";

const noLatency = "no answered requests in steady state";

const stats = ["error-rate", "p95", "p99"] as const;

const statTitle = { "error-rate": "error rate", p95: "p95 latency", p99: "p99 latency" } as const;

/** One step's objectives against its steady-state tally: error rate, p95 and p99. */
const stepCriteria = (
  name: string,
  step: string,
  objective: { p95Ms: number; p99Ms: number; errorRate: number },
  tally: TallySummary,
): Criterion[] =>
  stats.map((stat) => {
    const common = {
      id: `slo-${step}-${stat}`,
      title: `SLO ${name}: ${step} ${statTitle[stat]} (steady state)`,
    };
    if (stat === "error-rate")
      return judge({
        ...common,
        observed: round(tally.errors / tally.requests),
        threshold: objective.errorRate,
        unit: "ratio",
      });
    const observed = stat === "p95" ? tally.p95Ms : tally.p99Ms;
    return judge({
      ...common,
      observed,
      threshold: stat === "p95" ? objective.p95Ms : objective.p99Ms,
      unit: "ms",
      note: observed === null ? noLatency : undefined,
    });
  });

/** A step the run made no steady-state request to: its objectives listed, not judged. */
const unexercisedStep = (
  name: string,
  step: string,
  objective: { p95Ms: number; p99Ms: number; errorRate: number },
): Criterion[] =>
  stats.map((stat) =>
    notJudged(
      {
        id: `slo-${step}-${stat}`,
        title: `SLO ${name}: ${step} ${statTitle[stat]} (steady state)`,
        observed: null,
        threshold:
          stat === "error-rate" ? objective.errorRate : stat === "p95" ? objective.p95Ms : objective.p99Ms,
        unit: stat === "error-rate" ? "ratio" : "ms",
      },
      { because: "not-exercised", reason: `the run made no steady-state request to the ${step} step` },
    ),
  );

/**
 * The SLO file's objectives, in its order: `slo-<step>-error-rate|p95|p99` on steady-state samples of each step
 * (a step the run does not exercise is listed, not judged), then `slo-acknowledgement-p95`, judged when any
 * dossier was acknowledged. No SLO file, no criteria.
 */
export const sloCriteria = (
  slo: SloSettings | null,
  steadySteps: ReadonlyMap<string, TallySummary>,
  acknowledgement: { acknowledged: number; p95Ms: number | null },
): Criterion[] => {
  if (!slo) return [];
  const out: Criterion[] = [];
  for (const [step, objective] of Object.entries(slo.steps)) {
    if (!objective) continue;
    const tally = steadySteps.get(step);
    if (!tally || tally.requests === 0) out.push(...unexercisedStep(slo.name, step, objective));
    else out.push(...stepCriteria(slo.name, step, objective, tally));
  }
  const noAck: NotJudged | null =
    acknowledgement.acknowledged > 0
      ? null
      : { because: "not-exercised", reason: "no dossier was acknowledged" };
  out.push(
    judgeUnless(
      {
        id: "slo-acknowledgement-p95",
        title: `SLO ${slo.name}: p95 time from first submission attempt to acknowledgement`,
        observed: acknowledgement.p95Ms,
        threshold: slo.acknowledgementP95Ms,
        unit: "ms",
        note: acknowledgement.p95Ms === null ? "no acknowledgement time was recorded" : undefined,
      },
      noAck,
    ),
  );
  return out;
};
