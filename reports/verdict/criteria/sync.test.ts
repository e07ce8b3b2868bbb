import { describe, expect, it } from "vitest";
import type { Measured } from "../../metrics/figures.js";
import { syncCriteria } from "./sync.js";

const gone: Measured = { value: null, reason: "the target's /metrics has no portal_sync_outbox_pending" };

describe("national sync: the backlog drains", () => {
  it.each<
    [
      string,
      string,
      Measured,
      Measured,
      Measured,
      number | undefined,
      Array<[string, number | null, string | undefined]>,
    ]
  >([
    [
      "no metrics: not judged",
      "none",
      { value: 800 },
      { value: 4 },
      { value: 500 },
      30,
      [["not-judged", 500, "the target does not expose it: the target has no /metrics"]],
    ],
    [
      "no lag and no backlog: not judged",
      "metrics.ndjson",
      { value: 0 },
      { value: 0 },
      { value: 0 },
      30,
      [
        [
          "not-judged",
          0,
          "not exercised in this run: no national-sync backlog formed (lag and backlog stayed at 0)",
        ],
      ],
    ],
    [
      "neither exposed: not judged",
      "metrics.ndjson",
      gone,
      gone,
      gone,
      30,
      [["not-judged", null, "the target does not expose it: the target has no /metrics"]],
    ],
    [
      "no limit in the run config: not judged",
      "metrics.ndjson",
      { value: 800 },
      { value: 4 },
      { value: 500 },
      undefined,
      [["not-judged", 500, "not exercised in this run: the run config sets no limit (syncDrainWithinS)"]],
    ],
    [
      "lag alone is enough to judge",
      "metrics.ndjson",
      { value: 800 },
      gone,
      { value: 500 },
      30,
      [["passed", 500, undefined]],
    ],
    [
      "a backlog alone is enough to judge",
      "metrics.ndjson",
      { value: 0 },
      { value: 4 },
      { value: 30_000 },
      30,
      [["passed", 30_000, undefined]],
    ],
    [
      "drained too late",
      "metrics.ndjson",
      { value: 800 },
      { value: 4 },
      { value: 30_001 },
      30,
      [["failed", 30_001, undefined]],
    ],
    [
      "never drained: fails with the figure's reason",
      "metrics.ndjson",
      { value: 800 },
      { value: 4 },
      { value: null, reason: "the national-sync backlog had not drained when sampling ended" },
      30,
      [["failed", null, "the national-sync backlog had not drained when sampling ended"]],
    ],
  ])("%s", (_, source, lagMs, backlogPeak, drainTimeMs, withinS, expected) => {
    const got = syncCriteria({ source, sync: { lagMs, backlogPeak, drainTimeMs } }, withinS);
    expect(got.map((c) => [c.status, c.observed, c.reason ?? c.note])).toEqual(expected);
    for (const c of got)
      expect(c).toMatchObject({
        id: "sync-drain",
        title: "National-sync backlog drained after its peak",
        threshold: (withinS ?? 0) * 1000,
        unit: "ms",
      });
  });
});
