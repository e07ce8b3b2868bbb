import { describe, expect, it } from "vitest";
import {
  aggregate,
  compare,
  matchesTags,
  parseMetricKey,
  parseThresholdExpr,
  type SinkView,
} from "./thresholds.js";

const sink: SinkView = {
  count: () => 120,
  rate: () => 0.02,
  value: () => 7,
  avg: () => 150,
  min: () => 3,
  max: () => 900,
  percentile: (p) => p * 10,
};

describe("thresholds in k6 syntax", () => {
  it.each([
    ["p(95)<500", 950, false],
    ["p(90) < 901", 900, true],
    ["p(99.9)<=999", 999, true],
    ["avg<200", 150, true],
    ["med>=500", 500, true],
    ["min>3", 3, false],
    ["max==900", 900, true],
    ["max===900", 900, true],
    ["count!=120", 120, false],
    ["rate<0.01", 0.02, false],
    ["value>=7", 7, true],
  ] as const)("%s observes %d and passes: %s", (text, observed, passes) => {
    const e = parseThresholdExpr(text);
    if (typeof e === "string") throw new Error(e);
    expect(aggregate(e.aggregation, sink)).toBe(observed);
    expect(compare(observed, e.operator, e.value)).toBe(passes);
  });

  it.each(["p95<1", "p(101)<1", "avg<", "mean<1", "avg<<1", "rate<abc"])("refuses %s", (text) => {
    expect(typeof parseThresholdExpr(text)).toBe("string");
  });

  it("reads sub-metric keys, group tags included", () => {
    expect(parseMetricKey("http_req_duration{expected_response:true}")).toMatchObject({
      metric: "http_req_duration",
      tags: [["expected_response", "true"]],
    });
    expect(parseMetricKey("group_duration{group:::login, status: 200}")).toMatchObject({
      tags: [
        ["group", "::login"],
        ["status", "200"],
      ],
    });
    expect(typeof parseMetricKey("http_req_duration{status}")).toBe("string");
    expect(typeof parseMetricKey("bad-name")).toBe("string");
    expect(matchesTags([["status", "200"]], { status: "200", method: "GET" })).toBe(true);
    expect(matchesTags([["status", "200"]], { status: "500" })).toBe(false);
  });
});
