import { z } from "zod";
import { toxicFault, toxicParams } from "./fault.js";

/**
 * Limits throughput. toxiproxy limits each connection, not the link: a shared uplink (a commune's 200 Mbps
 * shared by its users) can only be approximated as its capacity divided by the number of users, one connection
 * each. Either give `rateKBps` (per connection) or `sharedUplink` (approximated, and labelled so in plan output).
 */
export const bandwidthParams = z
  .object({
    /** Per-connection limit in KB/s (1 KB = 1000 bytes, toxiproxy's unit). */
    rateKBps: z.number().int().min(1).max(10_000_000).optional(),
    sharedUplink: z
      .object({
        mbps: z.number().positive().max(100_000),
        users: z.number().int().min(1).max(1_000_000),
      })
      .strict()
      .optional(),
    ...toxicParams,
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.rateKBps === undefined) === (p.sharedUplink === undefined))
      ctx.addIssue({
        code: "custom",
        path: ["rateKBps"],
        message: "give exactly one of rateKBps and sharedUplink",
      });
  });
export type BandwidthParams = z.infer<typeof bandwidthParams>;

/** Per-connection rate in KB/s: the given rate, or the uplink's capacity split evenly by its users. */
export const bandwidthRateKBps = (p: BandwidthParams): number =>
  p.rateKBps ??
  Math.max(
    1,
    Math.round(((p.sharedUplink?.mbps ?? 0) * 1_000_000) / 8 / 1000 / (p.sharedUplink?.users ?? 1)),
  );

export const bandwidthFault = toxicFault({
  kind: "bandwidth",
  description:
    "throughput limit per connection (KB/s); a shared uplink split by N users is an approximation, labelled as such",
  params: bandwidthParams,
  random: {
    weight: 2,
    params: (rng) => ({ sharedUplink: { mbps: 200, users: rng.pick([500, 1000, 2000, 5000]) } }),
  },
  toxic: (p) => ({ type: "bandwidth", attributes: { rate: bandwidthRateKBps(p) } }),
  describe: (p) =>
    p.sharedUplink
      ? `${bandwidthRateKBps(p)} KB/s per connection = ${p.sharedUplink.mbps} Mbps shared by ${p.sharedUplink.users} users (APPROXIMATION: toxiproxy limits each connection, not the link's total)`
      : `${bandwidthRateKBps(p)} KB/s per connection`,
});
