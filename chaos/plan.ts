import { z } from "zod";
import { type FaultKindName, faultKind, faultKindNames, faultKinds } from "./faults/index.js";
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

/** A plan's entry for one kind of the registry; `params` may be left out when every param has a default. */
const entryOf = <K extends FaultKindName>(kind: K) => {
  type Params = (typeof faultKinds)[K]["params"];
  const params: z.ZodType = faultKinds[kind].params;
  const optional = params.safeParse({}).success;
  return z
    .object({ ...base, kind: z.literal(kind), params: (optional ? params.prefault({}) : params) as Params })
    .strict();
};
type Entry = { [K in FaultKindName]: ReturnType<typeof entryOf<K>> }[FaultKindName];

/** One fault of a plan; `kind` selects the fault kind and the schema of its `params`. */
export const FaultEntry = z.discriminatedUnion("kind", faultKindNames.map(entryOf) as [Entry, ...Entry[]]);
export type FaultEntry = z.infer<typeof FaultEntry>;

export const faultPlanSchemaVersion = 1;

/** Admin steps one fault may take (flapping and ramp take several): keeps a plan's admin traffic bounded. */
export const maxStepsPerFault = 2000;

export const faultEnd = (f: Pick<FaultEntry, "startS" | "durationS">): number => f.startS + f.durationS;

export const FaultPlan = z
  .object({
    $schema: z.string().optional(),
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
      const steps = faultKind(f.kind).steps(f.params, f.durationS * 1000).length;
      if (steps > maxStepsPerFault)
        ctx.addIssue({
          code: "custom",
          path: ["faults", i, "params"],
          message: `${steps} admin steps over ${f.durationS} s; at most ${maxStepsPerFault}`,
        });
      // Two faults that switch a proxy off would switch each other's link back on when the first ends.
      plan.faults.slice(0, i).forEach((g, j) => {
        if (
          g.link === f.link &&
          faultKind(f.kind).togglesProxy &&
          faultKind(g.kind).togglesProxy &&
          f.startS < faultEnd(g) &&
          g.startS < faultEnd(f)
        )
          ctx.addIssue({
            code: "custom",
            path: ["faults", i, "startS"],
            message: `overlaps faults[${j}] (${g.id}): both switch ${f.link} off`,
          });
      });
    });
  });
export type FaultPlan = z.infer<typeof FaultPlan>;
