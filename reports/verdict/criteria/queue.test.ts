import { describe, expect, it } from "vitest";
import type { RetryTally } from "../../analysis/windows.js";
import type { Measured } from "../../metrics/figures.js";
import { queueDrainCriteria, queueFigures, retryAfterCriteria } from "./queue.js";

const gone: Measured = { value: null, reason: "the target exposes no metrics endpoint" };

describe("queue and shedding: the gateway's queue drains", () => {
  it.each<
    [
      string,
      string,
      Measured,
      Measured,
      number | undefined,
      Array<[string, number | null, string | undefined]>,
    ]
  >([
    [
      "no metrics: not judged",
      "none",
      { value: 12 },
      { value: 300 },
      10,
      [["not-judged", 300, "the target does not expose it: the target has no /metrics"]],
    ],
    [
      "no queue formed: not judged",
      "metrics.ndjson",
      { value: 0 },
      { value: 0 },
      10,
      [["not-judged", 0, "not exercised in this run: no queue formed at the gateway (peak depth 0)"]],
    ],
    [
      "peak not exposed: not judged",
      "metrics.ndjson",
      gone,
      { value: 300 },
      10,
      [["not-judged", 300, "the target does not expose it: the target has no /metrics"]],
    ],
    [
      "no limit in the run config: not judged",
      "metrics.ndjson",
      { value: 12 },
      { value: 300 },
      undefined,
      [["not-judged", 300, "not exercised in this run: the run config sets no limit (queueDrainWithinS)"]],
    ],
    ["drained in time", "metrics.ndjson", { value: 12 }, { value: 300 }, 10, [["passed", 300, undefined]]],
    [
      "drained too late",
      "metrics.ndjson",
      { value: 1 },
      { value: 10_500 },
      10,
      [["failed", 10_500, undefined]],
    ],
    [
      "never drained: fails with the figure's reason",
      "metrics.ndjson",
      { value: 40 },
      { value: null, reason: "the queue had not drained when sampling ended" },
      10,
      [["failed", null, "the queue had not drained when sampling ended"]],
    ],
  ])("%s", (_, source, peakDepth, drainTimeMs, withinS, expected) => {
    const got = queueDrainCriteria({ source, queue: { peakDepth, drainTimeMs } }, withinS);
    expect(got.map((c) => [c.status, c.observed, c.reason ?? c.note])).toEqual(expected);
    for (const c of got)
      expect(c).toMatchObject({
        id: "queue-drain",
        title: "Gateway queue drained after its peak",
        threshold: (withinS ?? 0) * 1000,
        unit: "ms",
      });
  });
});

describe("queue and shedding: refusals carry Retry-After", () => {
  const retry = (afterRefusal: number, withRetryAfter: number, honoured = 0): RetryTally => ({
    retries: afterRefusal + 5,
    afterRefusal,
    withRetryAfter,
    honoured,
  });
  it.each<[string, RetryTally, Array<[string, number | null]>]>([
    ["no refusal retried: not judged", retry(0, 0), [["not-judged", null]]],
    ["every refusal carried it", retry(40, 40), [["passed", 1]]],
    ["one did not", retry(3, 2), [["failed", 0.6667]]],
    ["none did", retry(7, 0), [["failed", 0]]],
  ])("%s", (_, r, expected) => {
    const got = retryAfterCriteria(r);
    expect(got.map((c) => [c.status, c.observed])).toEqual(expected);
    for (const c of got)
      expect(c).toMatchObject({
        id: "retry-after-sent",
        title: "Refusals (429/503) that the client retried carried Retry-After",
        passed: c.status === "passed",
        observed: c.observed,
        threshold: 1,
        unit: "ratio",
        comparison: ">=",
      });
  });

  it.each<[string, RetryTally, { sentShare: Measured; honouredShare: Measured }]>([
    [
      "nothing retried after a refusal",
      retry(0, 0),
      {
        sentShare: {
          value: null,
          reason: "the load retried no refusal (429/503), so none could carry Retry-After",
        },
        honouredShare: { value: null, reason: "no retry was answered with Retry-After" },
      },
    ],
    [
      "refusals without Retry-After",
      retry(4, 0),
      {
        sentShare: { value: 0 },
        honouredShare: { value: null, reason: "no retry was answered with Retry-After" },
      },
    ],
    [
      "some sent, fewer waited out (reported, not judged)",
      retry(3, 3, 2),
      { sentShare: { value: 1 }, honouredShare: { value: 0.6667 } },
    ],
  ])("figures: %s", (_, r, expected) => {
    const q = { peakDepth: { value: 3 }, drainTimeMs: { value: 500 }, shed: { value: 0 }, admitted: gone };
    expect(queueFigures(q, r)).toEqual({
      ...q,
      retryAfter: { retries: r.retries, afterRefusal: r.afterRefusal, ...expected },
    });
  });
});
