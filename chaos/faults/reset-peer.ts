import { z } from "zod";
import { drawStream, toxicFault, toxicParams } from "./fault.js";

/** Connections are reset (TCP RST, "connection reset by peer"), at once or after `timeoutMs`. */
export const resetPeerParams = z
  .object({
    timeoutMs: z.number().int().min(0).max(3_600_000).default(0),
    ...toxicParams,
  })
  .strict();

export const resetPeerFault = toxicFault({
  kind: "reset-peer",
  description: "connections reset by peer (TCP RST), at once or after timeoutMs",
  params: resetPeerParams,
  random: { weight: 1, params: (rng) => ({ timeoutMs: rng.pick([0, 0, 500]), stream: drawStream(rng) }) },
  toxic: (p) => ({ type: "reset_peer", attributes: { timeout: p.timeoutMs } }),
  describe: (p) => `connections reset${p.timeoutMs > 0 ? ` after ${p.timeoutMs} ms` : ""}`,
});
