import { z } from "zod";
import { defineFault } from "./fault.js";

/** Adds latency (+ jitter) to every chunk on the link; one-way, downstream by default (toxiproxy semantics). */
export const latencyParams = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000),
    jitterMs: z.number().int().min(0).max(60_000).default(0),
    stream: z.enum(["upstream", "downstream"]).default("downstream"),
    toxicity: z.number().min(0).max(1).default(1),
  })
  .strict();

export const latencyFault = defineFault({
  kind: "latency",
  description: "added latency (+ jitter) per chunk, one direction",
  params: latencyParams,
  apply: ({ client, proxy, toxicName }, p) =>
    client.addToxic(proxy, {
      name: toxicName,
      type: "latency",
      stream: p.stream,
      toxicity: p.toxicity,
      attributes: { latency: p.latencyMs, jitter: p.jitterMs },
    }),
  remove: ({ client, proxy, toxicName }) => client.removeToxic(proxy, toxicName),
});
