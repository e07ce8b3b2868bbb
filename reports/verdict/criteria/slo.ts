import type { SloSettings } from "../input.js";
import { round } from "../round.js";
import type { Criterion } from "../schema.js";
import type { TallySummary } from "../tally-summary.js";
import { judge } from "./judge.js";

const noLatency = "no answered requests in steady state";

/** One step's objectives against its steady-state tally: error rate, p95 and p99. */
const stepCriteria = (
  name: string,
  step: string,
  objective: { p95Ms: number; p99Ms: number; errorRate: number },
  tally: TallySummary,
): Criterion[] => [
  judge({
    id: `slo-${step}-error-rate`,
    title: `SLO ${name}: ${step} error rate (steady state)`,
    observed: round(tally.errors / tally.requests),
    threshold: objective.errorRate,
    unit: "ratio",
  }),
  judge({
    id: `slo-${step}-p95`,
    title: `SLO ${name}: ${step} p95 latency (steady state)`,
    observed: tally.p95Ms,
    threshold: objective.p95Ms,
    unit: "ms",
    note: tally.p95Ms === null ? noLatency : undefined,
  }),
  judge({
    id: `slo-${step}-p99`,
    title: `SLO ${name}: ${step} p99 latency (steady state)`,
    observed: tally.p99Ms,
    threshold: objective.p99Ms,
    unit: "ms",
    note: tally.p99Ms === null ? noLatency : undefined,
  }),
];

/**
 * The SLO file's objectives, in its order: `slo-<step>-error-rate|p95|p99` on steady-state samples of each step
 * the run exercised (a step it did not is not judged), then `slo-acknowledgement-p95` when any dossier was
 * acknowledged. No SLO file, no criteria.
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
    if (!tally || tally.requests === 0) continue; // a step this run does not exercise
    out.push(...stepCriteria(slo.name, step, objective, tally));
  }
  if (acknowledgement.acknowledged > 0)
    out.push(
      judge({
        id: "slo-acknowledgement-p95",
        title: `SLO ${slo.name}: p95 time from first submission attempt to acknowledgement`,
        observed: acknowledgement.p95Ms,
        threshold: slo.acknowledgementP95Ms,
        unit: "ms",
        note: acknowledgement.p95Ms === null ? "no acknowledgement time was recorded" : undefined,
      }),
    );
  return out;
};
