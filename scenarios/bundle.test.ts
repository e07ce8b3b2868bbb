import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleScript, readImports } from "../engine/bundle/bundle.js";

const here = import.meta.dirname;

/** The scenario code that runs in the load (not tests, not test helpers). */
const scenarioSources = (dir = here): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "testing" ? [] : scenarioSources(path);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });

describe("the scenario bundle", () => {
  it("is a valid k6 script: standard JavaScript importing only k6 modules, no blocking calls", async () => {
    // bundleScript refuses Node modules, packages, blocking calls (http.get, sleep, …) and unknown k6 modules.
    const bundle = await bundleScript(join(here, "main.ts"));
    const modules = readImports(bundle.esm).map((i) => i.module);
    expect(new Set(modules)).toEqual(new Set(["k6", "k6/http", "k6/metrics", "k6/execution", "k6/timers"]));
    expect(bundle.esm).toMatch(/^export\s*\{[^}]*\bsubmit\b/m);
  });

  it("talks to k6/http through one seam: lib/portal-client.ts", () => {
    const importers = scenarioSources()
      .filter((f) => /from\s+["']k6\/http["']/.test(readFileSync(f, "utf8")))
      .map((f) => relative(here, f));
    expect(importers).toEqual(["lib/portal-client.ts"]);
  });
});
