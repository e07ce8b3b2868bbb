import { z } from "zod";
import type { ToxicSpec } from "../toxiproxy-client.js";
import { defineFault, drawStep, type FaultContext, type FaultStep, toxicParams } from "./fault.js";

/**
 * A degradation that grows: latency stepping up (or bandwidth stepping down) in `steps` equal parts of the
 * window, from `from` to `to`. One toxic is added at the start and updated in place at each step.
 */
const steps = z.number().int().min(2).max(100).default(5);

export const rampParams = z.discriminatedUnion("of", [
  z
    .object({
      of: z.literal("latency"),
      fromMs: z.number().int().min(0).max(60_000),
      toMs: z.number().int().min(0).max(60_000),
      jitterMs: z.number().int().min(0).max(60_000).default(0),
      steps,
      ...toxicParams,
    })
    .strict(),
  z
    .object({
      of: z.literal("bandwidth"),
      /** Per-connection KB/s, as the bandwidth fault. */
      fromKBps: z.number().int().min(1).max(10_000_000),
      toKBps: z.number().int().min(1).max(10_000_000),
      steps,
      ...toxicParams,
    })
    .strict(),
]);
export type RampParams = z.infer<typeof rampParams>;

const levels = (from: number, to: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => Math.round(from + ((to - from) * i) / (n - 1)));

const toxicAt = (p: RampParams, level: number): Pick<ToxicSpec, "type" | "attributes"> =>
  p.of === "latency"
    ? { type: "latency", attributes: { latency: level, jitter: p.jitterMs } }
    : { type: "bandwidth", attributes: { rate: level } };

const unit = (p: RampParams): string => (p.of === "latency" ? "ms" : "KB/s");

const remove = ({ client, proxy, toxicName }: FaultContext) => client.removeToxic(proxy, toxicName);

export const rampSteps = (p: RampParams, durationMs: number): FaultStep[] => {
  const values =
    p.of === "latency" ? levels(p.fromMs, p.toMs, p.steps) : levels(p.fromKBps, p.toKBps, p.steps);
  const out: FaultStep[] = values.map((value, i) => {
    const label = `${p.of} ${value} ${unit(p)} (${i + 1}/${p.steps})`;
    const toxic = toxicAt(p, value);
    return {
      atMs: Math.round((durationMs * i) / p.steps),
      phase: i === 0 ? "apply" : "step",
      label,
      run: ({ client, proxy, toxicName }: FaultContext) =>
        i === 0
          ? client.addToxic(proxy, { name: toxicName, stream: p.stream, toxicity: p.toxicity, ...toxic })
          : client.updateToxic(proxy, toxicName, { attributes: toxic.attributes }),
    };
  });
  out.push({ atMs: durationMs, phase: "remove", label: "remove", run: remove });
  return out;
};

export const rampFault = defineFault({
  kind: "ramp",
  description: "a degradation that grows in steps: latency up or bandwidth down",
  params: rampParams,
  random: {
    weight: 2,
    params: (rng) =>
      rng.next() < 0.7
        ? { of: "latency" as const, fromMs: 50, toMs: drawStep(rng, 500, 2000, 250), steps: 4 }
        : { of: "bandwidth" as const, fromKBps: 500, toKBps: drawStep(rng, 10, 100, 10), steps: 4 },
  },
  togglesProxy: false,
  describe: (p) =>
    p.of === "latency"
      ? `latency ${p.fromMs} → ${p.toMs} ms in ${p.steps} steps (${p.stream})`
      : `bandwidth ${p.fromKBps} → ${p.toKBps} KB/s per connection in ${p.steps} steps (${p.stream})`,
  steps: rampSteps,
  remove,
});
