import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { FaultPlan } from "../../chaos/plan.js";
import { randomPlan } from "../../chaos/random-plan.js";
import type { LinkName } from "../../chaos/topology.js";
import { inputError } from "../../kernel/errors.js";
import { projectRoot } from "../../kernel/paths.js";
import { parseJsonFile } from "../../kernel/validate.js";
import { Profile } from "../../scenarios/profiles/schema.js";
import { Slo } from "../../scenarios/slo/schema.js";

const builtinDir = {
  profile: () => join(projectRoot(), "scenarios", "profiles", "builtin"),
  faults: () => join(projectRoot(), "chaos", "plans"),
  slo: () => join(projectRoot(), "scenarios", "slo", "builtin"),
};

export const builtinNames = (what: keyof typeof builtinDir): string[] =>
  readdirSync(builtinDir[what]())
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();

const resolveNamed = <S extends z.ZodType>(
  what: keyof typeof builtinDir,
  schema: S,
  nameOrFile: string,
  field: string,
): { source: string; value: z.infer<S> } => {
  const builtin = join(builtinDir[what](), `${nameOrFile}.json`);
  if (/^[a-z0-9-]+$/.test(nameOrFile) && existsSync(builtin))
    return { source: `builtin:${nameOrFile}`, value: parseJsonFile(schema, builtin) };
  if (existsSync(nameOrFile)) return { source: nameOrFile, value: parseJsonFile(schema, nameOrFile) };
  throw inputError(
    `${field}: "${nameOrFile}" is neither a built-in (${builtinNames(what).join(", ")}) nor an existing file`,
  );
};

export const resolveProfile = (nameOrFile: string, field = "profile") =>
  resolveNamed("profile", Profile, nameOrFile, field);

/** What a generated fault plan needs to know about the run it is for. */
export interface FaultPlanContext {
  seed: number;
  loadDurationS: number;
  baselineS: number;
  /** Room after each fault for the target to recover before the next (the run's recovery allowance). */
  recoverS?: number;
  links?: readonly LinkName[];
}

/** `random` draws a plan from the run's seed, `random:N` from seed N (see chaos/random-plan.ts). */
const randomPlanName = /^random(?::(\d{1,10}))?$/;

export const resolveFaultPlan = (
  nameOrFile: string,
  field = "faults",
  context?: FaultPlanContext,
): { source: string; value: FaultPlan } => {
  const random = randomPlanName.exec(nameOrFile);
  if (random && !existsSync(nameOrFile)) {
    if (!context)
      throw inputError(`${field}: "${nameOrFile}" is drawn for a run; it needs the run's load and seed`);
    const seed = random[1] === undefined ? context.seed : Number(random[1]);
    if (seed > 2 ** 32 - 1) throw inputError(`${field}: seed ${seed} is above 2^32 - 1`);
    try {
      const { links, ...rest } = context;
      return { source: `random:${seed}`, value: randomPlan({ ...rest, seed, ...(links ? { links } : {}) }) };
    } catch (e) {
      throw inputError(`${field}: ${(e as Error).message}`);
    }
  }
  return resolveNamed("faults", FaultPlan, nameOrFile, field);
};

export const resolveSlo = (nameOrFile: string, field = "slo") => resolveNamed("slo", Slo, nameOrFile, field);

/** The file behind a resolved source (`builtin:NAME` or a path), or null for a drawn plan (`random:N`). */
export const sourceFile = (what: keyof typeof builtinDir, source: string): string | null => {
  if (source.startsWith("random:")) return null;
  if (source.startsWith("builtin:"))
    return join(builtinDir[what](), `${source.slice("builtin:".length)}.json`);
  return source;
};
