import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/* Runs the rule as `npm run check` does (a node process per case), on folders written for the test. */

const script = join(import.meta.dirname, "no-async-group.mjs");
const lint = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });

/** A folder of scenario files for the rule to read. */
const folder = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), "no-async-group-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
};

describe("lint rule: no async group", () => {
  it("fails on an async callback of k6's group, naming file and line, however group was imported", () => {
    const dir = folder({
      "journeys/bad.ts": [
        'import { check, group } from "k6";',
        'import * as k6 from "k6";',
        'import { group as step } from "k6";',
        "const later = async (): Promise<void> => {};",
        "export default async function (): Promise<void> {",
        '  group("sign in", async () => {});',
        '  k6.group("submit", async function () {});',
        '  step("named", later);',
        '  group("fine", () => check(1, {}));',
        "}",
      ].join("\n"),
    });
    const r = lint(dir);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/journeys\/bad\.ts:6:3: group\("sign in", async …\)/),
      expect.stringMatching(/journeys\/bad\.ts:7:3: group\("submit", async …\)/),
      expect.stringMatching(/journeys\/bad\.ts:8:3: group\("named", async …\)/),
    ]);
    expect(lines.at(-1)).toBe("no-async-group: 3 async group() calls");
  });

  it("passes synchronous groups and a group() that is not k6's", () => {
    const dir = folder({
      "lib/ok.ts": [
        'import { group } from "k6";',
        'export const run = (): number => group("sync", () => 1);',
      ].join("\n"),
      "lib/other.js": [
        'import { group } from "./grouping.js";',
        'export const run = () => group("not k6", async () => {});',
      ].join("\n"),
    });
    const r = lint(dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
