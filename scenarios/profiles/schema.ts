import { z } from "zod";

export const profileSchemaVersion = 1;

/** Request-mix steps, as shares of all requests (DOMAIN.md gives an assumed mix). */
export const MixStep = z.enum(["browse", "status", "submit", "payment"]);
export type MixStep = z.infer<typeof MixStep>;

const Figure = z
  .object({
    value: z.number().positive(),
    standing: z.enum(["published", "spec", "assumption"]),
    source: z.string().max(300),
  })
  .strict();

/** A traffic profile: the shape of a day, compressed in time, scaled from national figures. */
export const Profile = z
  .object({
    schemaVersion: z.literal(profileSchemaVersion),
    name: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string().max(500),
    /** Peak concurrent users nationally. */
    peakUsers: Figure,
    /** Seconds between one active user's requests. */
    requestIntervalS: Figure,
    /** Fraction of the national peak this run replays (1 = full scale). */
    scale: z.number().positive().max(10),
    /** Simulated seconds per real second; 600 plays ten hours in one minute. */
    compression: z.number().min(1).max(100_000),
    /** Load level (share of peak, 0–1) at local clock hours (ICT), linear between points. */
    shape: z
      .array(z.object({ hour: z.number().min(0).max(24), level: z.number().min(0).max(1) }).strict())
      .min(2),
    mix: z.partialRecord(MixStep, z.number().min(0).max(1)),
    mixStanding: z.enum(["published", "spec", "assumption"]),
    provinces: z
      .object({ count: z.number().int().min(1).max(34), weights: z.array(z.number().min(0)).optional() })
      .strict(),
    assumptions: z.array(z.string().max(400)),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (let i = 1; i < p.shape.length; i++) {
      const prev = p.shape[i - 1];
      const cur = p.shape[i];
      if (prev && cur && cur.hour <= prev.hour)
        ctx.addIssue({ code: "custom", path: ["shape", i, "hour"], message: "hours must increase" });
    }
    const total = Object.values(p.mix).reduce((s, v) => s + (v ?? 0), 0);
    if (Math.abs(total - 1) > 1e-6)
      ctx.addIssue({
        code: "custom",
        path: ["mix"],
        message: `shares must add up to 1 (they add up to ${total})`,
      });
    if (p.provinces.weights && p.provinces.weights.length !== p.provinces.count)
      ctx.addIssue({
        code: "custom",
        path: ["provinces", "weights"],
        message: `needs ${p.provinces.count} weights, one per province`,
      });
  });
export type Profile = z.infer<typeof Profile>;
