import { join } from "node:path";
import { expect, it } from "vitest";
import { buildCli, root, runOnce } from "../testing/run-cli.js";

it("holds a constant arrival rate: over 60 s the achieved iteration rate is within 2 % of the plan", () => {
  buildCli();
  const {
    code,
    stdout,
    stderr,
    verdict: v,
  } = runOnce(["run", "--profile", join(root, "examples", "profiles", "flat-60s.json"), "--faults", "none"]);
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  const ratio = v.load.achievedIterations / v.load.plannedIterations;
  console.log(
    `planned ${v.load.plannedIterations} iterations in 60 s, achieved ${v.load.achievedIterations} (${(ratio * 100).toFixed(2)} %), dropped ${v.load.droppedIterations}`,
  );
  expect(v.load.plannedIterations).toBeGreaterThan(1000);
  expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(0.02);
  expect(v.load.droppedIterations).toBe(0);
});
