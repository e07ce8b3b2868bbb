import { z } from "zod";
import { drawStream, toxicFault, toxicParams } from "./fault.js";

/**
 * Data stops getting through (toxiproxy's timeout toxic): with `timeoutMs` 0 the connection stays open and
 * silent until the fault ends; otherwise it is closed after `timeoutMs`. A dropped route, a stalled firewall.
 */
export const blackholeParams = z
  .object({
    timeoutMs: z.number().int().min(0).max(3_600_000).default(0),
    ...toxicParams,
  })
  .strict();

export const blackholeFault = toxicFault({
  kind: "blackhole",
  description: "data stops getting through; connections hang (or close after timeoutMs)",
  params: blackholeParams,
  random: { weight: 1, params: (rng) => ({ timeoutMs: rng.pick([0, 2000, 5000]), stream: drawStream(rng) }) },
  toxic: (p) => ({ type: "timeout", attributes: { timeout: p.timeoutMs } }),
  describe: (p) =>
    p.timeoutMs === 0
      ? "blackhole: data held, connections hang"
      : `blackhole: connections closed after ${p.timeoutMs} ms`,
});
