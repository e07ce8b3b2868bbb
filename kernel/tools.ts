import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { toolsCacheDir } from "./paths.js";
import { type ToolName, toolSpecs } from "./tool-versions.js";

export interface FoundTool {
  name: ToolName;
  path: string;
  version: string;
  pinned: string;
  /** True when the binary is not the pinned version (a fallback or an override). */
  offPin: boolean;
}

export const toolDir = (name: ToolName, version: string): string =>
  join(toolsCacheDir(), `${name}-${version}`);

/** Runs the binary's version command and extracts the version, or null when it does not run. */
export const probeVersion = (name: ToolName, path: string): string | null => {
  const spec = toolSpecs[name];
  const res = spawnSync(path, [...spec.versionArgs], { encoding: "utf8", timeout: 15_000 });
  if (res.status !== 0) return null;
  return spec.versionPattern.exec(`${res.stdout}${res.stderr}`)?.[1] ?? null;
};

/** Finds a usable binary: an explicit override, else the cached pin, else a cached fallback. */
export const findTool = (name: ToolName): FoundTool | null => {
  const spec = toolSpecs[name];
  const pinned = spec.versions[0];
  const override = process.env[spec.envOverride];
  const candidates = override
    ? [override]
    : spec.versions.map((v) => join(toolDir(name, v), spec.binary)).filter((p) => existsSync(p));
  for (const path of candidates) {
    const version = probeVersion(name, path);
    if (version === null) continue;
    const normal = (v: string) => v.replace(/^v/, "");
    return { name, path, version, pinned, offPin: normal(version) !== normal(pinned) };
  }
  return null;
};
