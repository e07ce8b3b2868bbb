import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./paths.js";
import { runFiles } from "./run-files.js";

describe("the run directory's files, named in one place", () => {
  const dir = "/runs/r1";
  const named = Object.entries(runFiles(dir)).flatMap(([key, v]) =>
    typeof v === "string" ? [{ key, file: relative(dir, v) }] : [],
  );

  it("are all directly in the run directory, each once", () => {
    expect(named.every((n) => !n.file.includes("/"))).toBe(true);
    expect(new Set(named.map((n) => n.file)).size).toBe(named.length);
    expect(runFiles(dir).logOf("engine")).toBe(join(dir, "logs", "engine.log"));
  });

  it("are every one listed in the README's run-directory table, with its name in runFiles", () => {
    const readme = readFileSync(join(projectRoot(), "README.md"), "utf8");
    const table = readme.slice(
      readme.indexOf("Every run writes `out/<run-id>/`"),
      readme.indexOf("### How it measures"),
    );
    const missing = named.filter(
      ({ key, file }) => !new RegExp(`^\\| \`${file}/?\` \\| \`${key}\``, "m").test(table),
    );
    expect(missing, "README.md's run-directory table lacks these files").toEqual([]);
  });
});
