import { z } from "zod";
import { defineFault, drawStep, type FaultContext, type FaultStep } from "./fault.js";

/**
 * The link goes down and up again with a period: down for `downFraction` of each period, then up. Each switch
 * is its own recorded step, so a report can shade every down interval.
 */
export const flappingParams = z
  .object({
    periodS: z.number().min(0.2).max(3600),
    downFraction: z.number().min(0.05).max(0.95).default(0.5),
  })
  .strict();
export type FlappingParams = z.infer<typeof flappingParams>;

const down = ({ client, proxy }: FaultContext) => client.setEnabled(proxy, false);
const up = ({ client, proxy }: FaultContext) => client.setEnabled(proxy, true);

export const flappingSteps = (p: FlappingParams, durationMs: number): FaultStep[] => {
  const periodMs = Math.round(p.periodS * 1000);
  const downMs = Math.round(periodMs * p.downFraction);
  const cycles = Math.ceil(durationMs / periodMs);
  const steps: FaultStep[] = [];
  for (let k = 0; k < cycles; k++) {
    const at = k * periodMs;
    steps.push({ atMs: at, phase: k === 0 ? "apply" : "step", label: `down ${k + 1}/${cycles}`, run: down });
    if (at + downMs < durationMs)
      steps.push({ atMs: at + downMs, phase: "step", label: `up ${k + 1}/${cycles}`, run: up });
  }
  steps.push({ atMs: durationMs, phase: "remove", label: "up (end)", run: up });
  return steps;
};

export const flappingFault = defineFault({
  kind: "flapping",
  description: "link down and up again with a period (an unstable uplink)",
  params: flappingParams,
  random: {
    weight: 2,
    params: (rng, durationS) => ({
      periodS: Math.min(drawStep(rng, 1, 4, 0.5), durationS / 2),
      downFraction: rng.pick([0.3, 0.5, 0.7]),
    }),
  },
  togglesProxy: true,
  describe: (p) =>
    `down ${Math.round(p.periodS * p.downFraction * 1000)} ms of every ${Math.round(p.periodS * 1000)} ms`,
  steps: flappingSteps,
  remove: up,
});
