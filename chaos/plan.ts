import { z } from "zod";
import { latencyParams } from "./faults/latency.js";
import { outageParams } from "./faults/outage.js";
import { links } from "./topology.js";

const linkName = z.enum(links.map((l) => l.name) as [string, ...string[]]);

const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "lowercase id, letters, digits and dashes"),
  link: linkName,
  /** Seconds after the load's start (t0). */
  startS: z.number().min(0).max(86_400),
  durationS: z.number().positive().max(86_400),
  note: z.string().max(300).optional(),
};

export const FaultEntry = z.discriminatedUnion("kind", [
  z.object({ ...base, kind: z.literal("latency"), params: latencyParams }).strict(),
  z.object({ ...base, kind: z.literal("outage"), params: outageParams.default({}) }).strict(),
]);
export type FaultEntry = z.infer<typeof FaultEntry>;

export const faultPlanSchemaVersion = 1;

export const FaultPlan = z
  .object({
    schemaVersion: z.literal(faultPlanSchemaVersion),
    name: z.string().min(1).max(80),
    description: z.string().max(500).default(""),
    faults: z.array(FaultEntry).max(200),
  })
  .strict()
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.faults.forEach((f, i) => {
      if (seen.has(f.id))
        ctx.addIssue({ code: "custom", path: ["faults", i, "id"], message: `duplicate id ${f.id}` });
      seen.add(f.id);
    });
  });
export type FaultPlan = z.infer<typeof FaultPlan>;
