import { join } from "node:path";
import { expect, it } from "vitest";
import { runFiles } from "../../kernel/run-files.js";
import { readK6Points } from "../../reports/analysis/k6-stream.js";
import { buildCli, root, runOnce } from "../testing/run-cli.js";

it("a stalled portal cannot slow the load down: late requests are recorded and dropped iterations make the run inconclusive (exit 4)", async () => {
  buildCli();
  const {
    code,
    verdict: v,
    runDir,
  } = runOnce(["run", "--config", join(root, "examples", "coordinated-omission.json")]);
  const stall = v.faults[0];
  if (!stall || stall.appliedStartMs === null) throw new Error("the stall was not applied");

  // Requests caught in the stall are held until it ends (6 s): they must appear with their true, long
  // durations, not vanish or be replaced by the generator waiting for them.
  const t0 = Date.parse(v.loadStartedAt);
  let late = 0;
  let longest = 0;
  let dropped = 0;
  for await (const p of readK6Points(runFiles(runDir).results)) {
    if (p.metric === "dropped_iterations") dropped += p.value;
    if (p.metric === "http_req_duration" && p.value >= 3000 && p.timeMs - t0 >= stall.appliedStartMs) {
      late++;
      longest = Math.max(longest, p.value);
    }
  }
  console.log(
    `exit ${code}; ${late} requests recorded late (≥ 3 s, longest ${Math.round(longest)} ms); ${dropped} dropped iterations (verdict: ${v.load.droppedIterations}); outcome ${v.outcome}`,
  );
  expect(late).toBeGreaterThan(20);
  // The longest wait is the stall itself (6 s), within 1 s.
  expect(Math.abs(longest - 6000)).toBeLessThanOrEqual(1000);
  expect(dropped).toBeGreaterThan(0);
  expect(v.load.droppedIterations).toBe(dropped);
  expect(v.outcome).toBe("inconclusive");
  expect(v.inconclusiveReasons.join(" ")).toMatch(/dropped/);
  expect(code).toBe(4);
});
