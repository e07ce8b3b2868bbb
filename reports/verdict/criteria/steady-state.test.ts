import { describe, expect, it } from "vitest";
import { newHistogram, recordMs } from "../../../engine/metrics/histogram.js";
import { steadyFigures, steadyStateCriteria } from "./steady-state.js";

const limits = { steadyErrorRateMax: 0.01, steadyP95MaxMs: 500 };

describe("steady state", () => {
  type Row = [
    string,
    { errorRate: number | null; p95Ms: number | null },
    Array<[id: string, status: string, observed: number | null, remark: string | undefined]>,
  ];
  it.each<Row>([
    [
      "within both limits",
      { errorRate: 0.002, p95Ms: 120 },
      [
        ["steady-error-rate", "passed", 0.002, undefined],
        ["steady-p95", "passed", 120, undefined],
      ],
    ],
    [
      "exactly at the limits",
      { errorRate: 0.01, p95Ms: 500 },
      [
        ["steady-error-rate", "passed", 0.01, undefined],
        ["steady-p95", "passed", 500, undefined],
      ],
    ],
    [
      "over both",
      { errorRate: 0.0101, p95Ms: 500.01 },
      [
        ["steady-error-rate", "failed", 0.0101, undefined],
        ["steady-p95", "failed", 500.01, undefined],
      ],
    ],
    [
      "no steady-state request at all",
      { errorRate: null, p95Ms: null },
      [
        ["steady-error-rate", "not-judged", null, "no data: no steady-state requests"],
        ["steady-p95", "failed", null, "no steady-state responses"],
      ],
    ],
    [
      "requests that all failed before answering",
      { errorRate: 1, p95Ms: null },
      [
        ["steady-error-rate", "failed", 1, undefined],
        ["steady-p95", "failed", null, "no steady-state responses"],
      ],
    ],
  ])("%s", (_, steady, expected) => {
    const got = steadyStateCriteria(steady, limits).map((c) => [
      c.id,
      c.status,
      c.observed,
      c.reason ?? c.note,
    ]);
    expect(got).toEqual(expected);
  });

  it("titles, units and thresholds", () => {
    expect(steadyStateCriteria({ errorRate: 0, p95Ms: 1 }, limits)).toEqual([
      expect.objectContaining({
        title: "Error rate outside fault and recovery windows",
        threshold: 0.01,
        unit: "ratio",
      }),
      expect.objectContaining({
        title: "p95 latency outside fault and recovery windows",
        threshold: 500,
        unit: "ms",
      }),
    ]);
  });

  it.each<[string, number, number, number[], { errorRate: number | null; p95Ms: number | null }]>([
    ["no requests", 0, 0, [], { errorRate: null, p95Ms: null }],
    ["an error rate rounded to 4 digits", 3, 1, [10, 10, 10], { errorRate: 0.3333, p95Ms: 10 }],
    ["no latency when nothing answered", 2, 2, [], { errorRate: 1, p95Ms: null }],
  ])("figures: %s", (_, requests, errors, latencies, expected) => {
    const steady = newHistogram();
    for (const ms of latencies) recordMs(steady, ms);
    const f = steadyFigures({ steadyRequests: requests, steadyErrors: errors, steady });
    expect(f).toMatchObject({ requests, ...expected });
  });
});
