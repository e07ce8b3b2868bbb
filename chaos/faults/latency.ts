import { z } from "zod";
import { drawStep, drawStream, toxicFault, toxicParams } from "./fault.js";

/** Adds latency (+ jitter) to every chunk on the link; one-way, downstream by default (toxiproxy semantics). */
export const latencyParams = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000),
    /** Each chunk is delayed by latencyMs ± a uniform random jitterMs. */
    jitterMs: z.number().int().min(0).max(60_000).default(0),
    ...toxicParams,
  })
  .strict();

export const latencyFault = toxicFault({
  kind: "latency",
  description: "added latency (+ jitter) per chunk, one direction",
  params: latencyParams,
  random: {
    weight: 4,
    params: (rng) => {
      const latencyMs = drawStep(rng, 100, 1500, 50);
      return { latencyMs, jitterMs: drawStep(rng, 0, latencyMs / 4, 10), stream: drawStream(rng) };
    },
  },
  toxic: (p) => ({ type: "latency", attributes: { latency: p.latencyMs, jitter: p.jitterMs } }),
  describe: (p) => `+${p.latencyMs} ms${p.jitterMs > 0 ? ` ± ${p.jitterMs} ms` : ""}`,
});
