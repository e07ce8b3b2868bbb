import { z } from "zod";
import { drawStep, toxicFault, toxicParams } from "./fault.js";

/** A connection is closed after `bytes` have passed: partial responses (or requests, upstream). */
export const limitDataParams = z
  .object({
    bytes: z.number().int().min(1).max(1_000_000_000),
    ...toxicParams,
  })
  .strict();

export const limitDataFault = toxicFault({
  kind: "limit-data",
  description: "connections closed after a number of bytes: truncated responses",
  params: limitDataParams,
  random: { weight: 1, params: (rng) => ({ bytes: drawStep(rng, 100, 2000, 100) }) },
  toxic: (p) => ({ type: "limit_data", attributes: { bytes: p.bytes } }),
  describe: (p) => `connections cut after ${p.bytes} bytes`,
});
