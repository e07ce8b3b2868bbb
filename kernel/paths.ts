import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: the nearest folder above this file that holds package.json (works from src and dist). */
export const projectRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "scenarios"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("portal-harness: cannot find the package root");
    dir = up;
  }
};

/** Where Go-built tools are cached, outside the clone so fresh clones and CI reuse them. */
export const toolsCacheDir = (): string =>
  process.env.PORTAL_HARNESS_TOOLS_DIR ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "portal-harness", "tools");

/** Run directories live under `out/` of the working directory unless told otherwise. */
export const outDir = (override?: string): string =>
  resolve(override ?? process.env.PORTAL_HARNESS_OUT ?? join(process.cwd(), "out"));
