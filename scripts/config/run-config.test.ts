import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../kernel/errors.js";
import { projectRoot } from "../../kernel/paths.js";
import { readJsonFile } from "../../kernel/validate.js";
import { loadRunConfig } from "./load.js";
import { RunConfig } from "./run-config.js";

const examplesDir = join(projectRoot(), "examples");
const exampleConfigs = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => join(examplesDir, f));

/** Every path in a JSON value whose leaf is a number. */
const numericPaths = (value: unknown, path: Array<string | number> = []): Array<Array<string | number>> => {
  if (typeof value === "number") return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => numericPaths(v, [...path, i]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => numericPaths(v, [...path, k]));
  return [];
};

const setAt = (root: unknown, path: Array<string | number>, v: unknown): void => {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1) as string | number] = v;
};

const render = (path: Array<string | number>): string =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

const errorLines = (fn: () => unknown): { code: number; lines: readonly string[] } => {
  try {
    fn();
  } catch (e) {
    if (isHarnessError(e)) return { code: e.exitCode, lines: e.lines };
    throw e;
  }
  throw new Error("expected an error");
};

describe("run config files", () => {
  it("has example configs", () => {
    expect(exampleConfigs.length).toBeGreaterThanOrEqual(2);
  });

  for (const file of exampleConfigs) {
    it(`${file.slice(examplesDir.length + 1)} is valid`, () => {
      expect(() => loadRunConfig({ config: file })).not.toThrow();
    });

    it(`${file.slice(examplesDir.length + 1)}: any numeric field turned into a string exits 2 naming that field`, async () => {
      const { mkdtempSync, writeFileSync } = await import("node:fs");
      const { tmpdir } = await import("node:os");
      const original = readJsonFile(file);
      const paths = numericPaths(original);
      expect(paths.length).toBeGreaterThan(0);
      const dir = mkdtempSync(join(tmpdir(), "ph-config-"));
      for (const path of paths) {
        const broken = structuredClone(original);
        setAt(broken, path, "12");
        const brokenFile = join(dir, "broken.json");
        writeFileSync(brokenFile, JSON.stringify(broken));
        const { code, lines } = errorLines(() => loadRunConfig({ config: brokenFile }));
        expect(code).toBe(2);
        expect(lines).toContainEqual(
          expect.stringMatching(new RegExp(`^${brokenFile}: ${escapeRegExp(render(path))}: `)),
        );
      }
    });
  }

  it("lists every invalid field, not just the first", () => {
    const result = RunConfig.safeParse({
      schemaVersion: 1,
      seed: "x",
      safety: { maxRequestsPerS: -1 },
      bogus: 1,
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["seed", "safety.maxRequestsPerS"]));
    expect(result.error?.issues.length).toBeGreaterThanOrEqual(3);
  });

  it("flags override the file and are validated with the flag's name", () => {
    const file = join(examplesDir, "demo.json");
    expect(loadRunConfig({ config: file, scale: "0.01", seed: "5" })).toMatchObject({ scale: 0.01, seed: 5 });
    expect(errorLines(() => loadRunConfig({ config: file, scale: "lots" })).lines[0]).toMatch(/^--scale: /);
  });

  it("names the file when it is not JSON or not there", () => {
    expect(errorLines(() => loadRunConfig({ config: "/nonexistent/x.json" })).lines[0]).toMatch(
      /^\/nonexistent\/x\.json: cannot read file/,
    );
  });
});

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("--adapter and --allow-host on run and plan", () => {
  it("add to a URL target", () => {
    const c = loadRunConfig({
      target: "http://127.0.0.1:8480/vendor-a/api/v2",
      adapter: "examples/adapters/vendor-a.json",
      allowHosts: ["staging.dvc.example"],
    });
    expect(c.target).toEqual({
      kind: "url",
      baseUrl: "http://127.0.0.1:8480/vendor-a/api/v2",
      adapter: "examples/adapters/vendor-a.json",
      allowHosts: ["staging.dvc.example"],
    });
  });

  it("are refused for the mock (exit 2), never ignored", () => {
    for (const flags of [{ adapter: "a.json" }, { allowHosts: ["staging.dvc.example"] }]) {
      let error: unknown = null;
      try {
        loadRunConfig(flags);
      } catch (e) {
        error = e;
      }
      expect(isHarnessError(error) && error.exitCode).toBe(2);
      expect(isHarnessError(error) && error.lines[0]).toMatch(/only for a target at a URL/);
    }
  });
});
