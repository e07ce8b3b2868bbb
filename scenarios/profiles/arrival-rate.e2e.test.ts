import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { Verdict } from "../../reports/verdict/schema.js";
import { projectRoot } from "../../scripts/lib/paths.js";

const root = projectRoot();

it("holds a constant arrival rate: over 60 s the achieved iteration rate is within 2 % of the plan", () => {
  const out = mkdtempSync(join(tmpdir(), "ph-rate-"));
  const res = spawnSync(
    process.execPath,
    [
      join(root, "dist", "cli.js"),
      "run",
      "--profile",
      join(root, "examples", "profiles", "flat-60s.json"),
      "--faults",
      "none",
      "--out",
      out,
    ],
    { encoding: "utf8", timeout: 240_000, cwd: root },
  );
  expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0);
  const runDir = /verdict: (.+)\/verdict\.json/.exec(res.stdout)?.[1];
  if (!runDir) throw new Error(`no run directory in:\n${res.stdout}`);
  const v = Verdict.parse(JSON.parse(readFileSync(join(runDir, "verdict.json"), "utf8")));
  const ratio = v.load.achievedIterations / v.load.plannedIterations;
  console.log(
    `planned ${v.load.plannedIterations} iterations in 60 s, achieved ${v.load.achievedIterations} (${(ratio * 100).toFixed(2)} %), dropped ${v.load.droppedIterations}`,
  );
  expect(v.load.plannedIterations).toBeGreaterThan(1000);
  expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(0.02);
  expect(v.load.droppedIterations).toBe(0);
});
