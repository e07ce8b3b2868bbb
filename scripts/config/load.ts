import { dirname, resolve } from "node:path";
import { inputError } from "../../kernel/errors.js";
import { formatIssues, parseJsonFile } from "../../kernel/validate.js";
import { RunConfig, runConfigSchemaVersion } from "./run-config.js";

/** Command-line overrides of a run config; each wins over the file. */
export interface ConfigFlags {
  config?: string | undefined;
  profile?: string | undefined;
  faults?: string | undefined;
  slo?: string | undefined;
  scale?: string | undefined;
  seed?: string | undefined;
  variant?: string | undefined;
  target?: string | undefined;
  workers?: string | undefined;
  /** An adapter file for a URL target (the vendor API's base URL is `target`, or the adapter's own). */
  adapter?: string | undefined;
  /** Hosts beyond loopback a URL target may be on (`--allow-host`, repeatable). */
  allowHosts?: readonly string[] | undefined;
}

const flagNumber = (flag: string, text: string): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw inputError(`--${flag}: "${text}" is not a number`);
  return n;
};

/** Reads `--config FILE` (validated, every bad field listed) and applies flags over it (validated again). */
export const loadRunConfig = (flags: ConfigFlags): RunConfig => {
  const base: RunConfig = flags.config
    ? parseJsonFile(RunConfig, flags.config)
    : RunConfig.parse({ schemaVersion: runConfigSchemaVersion });
  const merged: Record<string, unknown> = { ...base };
  // Files named inside a config file are relative to that file, so a config works from any directory.
  if (flags.config) {
    const dir = dirname(flags.config);
    for (const field of ["profile", "faults", "slo"] as const) {
      const value = base[field];
      if (!/^[a-z0-9-]+$/.test(value)) merged[field] = resolve(dir, value);
    }
  }
  if (flags.profile !== undefined) merged.profile = flags.profile;
  if (flags.faults !== undefined) merged.faults = flags.faults;
  if (flags.slo !== undefined) merged.slo = flags.slo;
  if (flags.scale !== undefined) merged.scale = flagNumber("scale", flags.scale);
  if (flags.seed !== undefined) merged.seed = flagNumber("seed", flags.seed);
  if (flags.workers !== undefined)
    merged.engine = { ...base.engine, workers: flagNumber("workers", flags.workers) };
  if (flags.target !== undefined)
    merged.target =
      flags.target === "mock" ? { kind: "mock" } : { kind: "url", baseUrl: flags.target, allowHosts: [] };
  if (flags.adapter !== undefined || (flags.allowHosts ?? []).length > 0) {
    const t = merged.target as RunConfig["target"];
    if (t.kind !== "url")
      throw inputError(
        `--${flags.adapter !== undefined ? "adapter" : "allow-host"}: only for a target at a URL`,
        "hint: give the target with --target URL (or in the config's target.baseUrl)",
      );
    merged.target = {
      ...t,
      ...(flags.adapter === undefined ? {} : { adapter: flags.adapter }),
      allowHosts: [...t.allowHosts, ...(flags.allowHosts ?? [])],
    };
  }
  if (flags.variant !== undefined) {
    if (base.target.kind !== "mock" && flags.target === undefined)
      throw inputError("--variant: only the built-in mock has variants");
    merged.target = { kind: "mock", variant: flags.variant };
  }
  const result = RunConfig.safeParse(merged);
  if (!result.success) throw inputError(...formatIssues("command line", result.error));
  return result.data;
};
