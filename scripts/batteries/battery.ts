import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { inputError } from "../../kernel/errors.js";
import { projectRoot } from "../../kernel/paths.js";
import { parseJsonFile } from "../../kernel/validate.js";
import { criteriaCatalogue } from "../../reports/verdict/catalogue.js";
import {
  Analysis,
  Criteria,
  RunConfig,
  runConfigSchemaVersion,
  Safety,
  type Target,
} from "../config/run-config.js";

/**
 * A battery: the fixed load, fault plan and required criteria one workflow runs (`inspect`, `certify`,
 * `gate`). Versioned, so a certificate or a gate result names exactly what was run. Files named inside it are
 * relative to the battery file.
 */
export const Battery = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    name: z.string().regex(/^[a-z0-9-]+$/),
    version: z.string().min(1),
    workflow: z.enum(["inspect", "certify", "gate"]),
    description: z.string().min(1),
    profile: z.string().min(1),
    /**
     * The fault plan for a target whose parts the harness runs (the mock) and for a portal at a URL, where only
     * the harness → portal link can be faulted. `random` draws a plan from the run's seed.
     */
    faults: z.object({ mock: z.string().min(1), url: z.string().min(1) }).strict(),
    slo: z.string().min(1).default("default"),
    scale: z.number().positive().max(10),
    safety: Safety,
    analysis: Analysis,
    criteria: Criteria,
    /** Catalogue ids (or generated families' patterns) that must be judged and pass. */
    required: z.array(z.string().min(1)).min(1),
  })
  .strict()
  .superRefine((b, ctx) => {
    const known = new Set(criteriaCatalogue.map((e) => e.id));
    b.required.forEach((id, i) => {
      if (!known.has(id))
        ctx.addIssue({
          code: "custom",
          path: ["required", i],
          message: `"${id}" is not in the criteria catalogue`,
        });
    });
  });
export type Battery = z.infer<typeof Battery>;

const builtinDir = (): string => join(projectRoot(), "scripts", "batteries");

export const builtinBatteries = (): string[] =>
  readdirSync(builtinDir())
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();

export interface LoadedBattery {
  battery: Battery;
  /** The battery file (hashed into the fingerprint). */
  file: string;
}

/**
 * A built-in battery by name or a battery file. An unknown name, or a battery made for another workflow, is
 * bad input (exit 2) naming the known ones.
 */
export const loadBattery = (nameOrFile: string, workflow: Battery["workflow"]): LoadedBattery => {
  const builtin = join(builtinDir(), `${nameOrFile}.json`);
  const file = /^[a-z0-9-]+$/.test(nameOrFile) && existsSync(builtin) ? builtin : nameOrFile;
  if (!existsSync(file))
    throw inputError(
      `--battery: unknown battery "${nameOrFile}"`,
      `hint: the built-in batteries are ${builtinBatteries().join(", ")}; or give a battery file`,
    );
  const battery = parseJsonFile(Battery, file);
  if (battery.workflow !== workflow)
    throw inputError(
      `${file}: workflow: the battery "${battery.name}" is for ${battery.workflow}, not ${workflow}`,
      `hint: ${workflow} runs the built-in battery "${workflow}" unless told otherwise`,
    );
  return { battery, file };
};

/** A built-in name (`default`, `random`, `random:7`) rather than a file, which is relative to the battery. */
const isBuiltinName = (v: string): boolean => /^[a-z0-9-]+(:\d+)?$/.test(v);

/** The battery's fault plan for a target: the mock's, or the one for a portal at a URL. */
const faultsFor = (battery: Battery, target: Target): string =>
  target.kind === "mock" ? battery.faults.mock : battery.faults.url;

/** The run config a battery makes for a target; `scale` and `seed` from the command line when given. */
export const batteryRunConfig = (
  loaded: LoadedBattery,
  target: Target,
  o: { scale?: number; seed: number; workers?: number },
): RunConfig => {
  const { battery, file } = loaded;
  const dir = dirname(file);
  const named = (v: string) => (isBuiltinName(v) ? v : resolve(dir, v));
  const config = {
    schemaVersion: runConfigSchemaVersion,
    target,
    profile: named(battery.profile),
    faults: named(faultsFor(battery, target)),
    slo: named(battery.slo),
    scale: o.scale ?? battery.scale,
    seed: o.seed,
    safety: battery.safety,
    analysis: battery.analysis,
    criteria: battery.criteria,
    ...(o.workers === undefined ? {} : { engine: { workers: o.workers } }),
  };
  const parsed = RunConfig.safeParse(config);
  if (!parsed.success)
    throw inputError(
      ...parsed.error.issues.map((i) => `${file}: ${i.path.join(".")}: ${i.message}`),
      "hint: --scale and --seed must keep the battery within its safety limits",
    );
  return parsed.data;
};
