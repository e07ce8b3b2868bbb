import { z } from "zod";
import { drawStep, toxicFault, toxicParams } from "./fault.js";

/**
 * Data is cut into small pieces of about `averageSize` bytes (± `sizeVariation`), each delayed by `delayUs`
 * microseconds: a lossy mobile or rural link. toxiproxy needs a variation of at least 1 and below the average.
 */
export const slicerParams = z
  .object({
    averageSize: z.number().int().min(2).max(1_000_000),
    sizeVariation: z.number().int().min(1).max(1_000_000).default(1),
    delayUs: z.number().int().min(0).max(10_000_000).default(0),
    ...toxicParams,
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.sizeVariation >= p.averageSize)
      ctx.addIssue({ code: "custom", path: ["sizeVariation"], message: "must be smaller than averageSize" });
  });

export const slicerFault = toxicFault({
  kind: "slicer",
  description: "data sliced into small delayed pieces",
  params: slicerParams,
  random: {
    weight: 1,
    params: (rng) => {
      const averageSize = drawStep(rng, 64, 512, 32);
      return {
        averageSize,
        sizeVariation: Math.max(1, Math.floor(averageSize / 4)),
        delayUs: drawStep(rng, 1000, 10_000, 1000),
      };
    },
  },
  toxic: (p) => ({
    type: "slicer",
    attributes: { average_size: p.averageSize, size_variation: p.sizeVariation, delay: p.delayUs },
  }),
  describe: (p) => `slices of ${p.averageSize} ± ${p.sizeVariation} bytes, ${p.delayUs} µs apart`,
});
