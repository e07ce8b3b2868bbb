import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./paths.js";

/**
 * k6 is AGPL-3.0: nothing in the project may fetch, build, bundle or start it. Its Go module path is what a
 * build, a `go install` or a version pin would name, so no file of the project outside the docs may contain it.
 * The string is built from parts so that this file does not match itself.
 */
const k6Module = `${["go", "k6", "io"].join(".")}/k6`;

/** Docs may name k6 (to say it is not used); committed benchmark results record what was measured. */
const isDoc = (file: string): boolean => file.endsWith(".md") || file.startsWith("bench/results/");

/** Tracked files, and new files not ignored (they are not committed yet); deleted ones are skipped. */
const projectFiles = (root: string): string[] =>
  execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  })
    .split("\0")
    .filter((f) => f !== "");

describe("k6 is not part of the project", () => {
  const root = projectRoot();
  const files = [...new Set(projectFiles(root))];

  it("lists the project's files", () => {
    expect(files).toContain("package.json");
    expect(files).toContain("kernel/no-k6.test.ts");
  });

  it("no file outside the docs names k6's Go module path", () => {
    const needle = Buffer.from(k6Module);
    const offenders = files.filter((file) => {
      if (isDoc(file)) return false;
      const path = join(root, file);
      if (!existsSync(path) || !statSync(path).isFile()) return false;
      return readFileSync(path).includes(needle);
    });
    expect(offenders, `these files name ${k6Module}: remove k6 from them`).toEqual([]);
  });
});
