import { join } from "node:path";
import { expect, it } from "vitest";
import { runFiles } from "../../kernel/run-files.js";
import { readK6Points } from "../../reports/analysis/k6-stream.js";
import { buildCli, root, runOnce } from "../testing/run-cli.js";

/**
 * `409 MEETING_FULL` is an expected answer of the meetings step (the session is at capacity; the official
 * joins another way), so a run in which a session fills up must count those answers as answers, not errors,
 * and still pass. One session, more joins than any session holds, through the real engine and the real mock.
 */
it("a meeting session fills up: 409 MEETING_FULL answers are expected, not errors, and the run passes", async () => {
  buildCli();
  const res = runOnce([
    "run",
    "--profile",
    join(root, "examples", "profiles", "meetings-full.json"),
    "--faults",
    "none",
  ]);
  expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);

  const joins = { joined: 0, full: 0, fullCountedFailed: 0, other: 0 };
  for await (const p of readK6Points(runFiles(res.runDir).results)) {
    if (p.metric !== "http_req_duration" || p.step !== "meeting") continue;
    if (p.status === "409") {
      joins.full++;
      if (p.expectedResponse !== "true") joins.fullCountedFailed++;
    } else if (p.status === "200") joins.joined++;
    else joins.other++;
  }
  console.log(
    `meeting requests: ${joins.joined} answered 200, ${joins.full} answered 409 MEETING_FULL, ${joins.other} other`,
  );
  // The session holds at most 200 (the mock's largest capacity); about 300 joins arrive.
  expect(joins.full).toBeGreaterThanOrEqual(50);
  expect(joins.fullCountedFailed).toBe(0);
  expect(joins.other).toBe(0);

  const v = res.verdict;
  expect(v.outcome).toBe("passed");
  const meeting = v.steps.find((s) => s.step === "meeting");
  expect(meeting?.requests ?? 0).toBe(joins.joined + joins.full);
  expect(meeting?.errorRate).toBe(0);
  const criterion = (id: string) => v.criteria.find((c) => c.id === id);
  expect(criterion("slo-meeting-error-rate")?.passed).toBe(true);
  expect(criterion("slo-meeting-error-rate")?.observed).toBe(0);
  expect(criterion("steady-error-rate")?.passed).toBe(true);
  expect(v.load.droppedIterations).toBe(0);
});
