import { z } from "zod";
import { drawStep, toxicFault, toxicParams } from "./fault.js";

/** Closing a connection is delayed by `delayMs`: clients that wait for the close hang on to sockets. */
export const slowCloseParams = z
  .object({
    delayMs: z.number().int().min(1).max(600_000),
    ...toxicParams,
  })
  .strict();

export const slowCloseFault = toxicFault({
  kind: "slow-close",
  description: "the close of each connection is delayed",
  params: slowCloseParams,
  random: { weight: 1, params: (rng) => ({ delayMs: drawStep(rng, 500, 3000, 250) }) },
  toxic: (p) => ({ type: "slow_close", attributes: { delay: p.delayMs } }),
  describe: (p) => `close delayed ${p.delayMs} ms`,
});
