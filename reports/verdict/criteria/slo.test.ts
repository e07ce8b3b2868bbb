import { describe, expect, it } from "vitest";
import type { SloSettings } from "../input.js";
import type { Criterion } from "../schema.js";
import type { TallySummary } from "../tally-summary.js";
import { sloCriteria } from "./slo.js";

const slo: SloSettings = {
  name: "default",
  steps: {
    browse: { p95Ms: 500, p99Ms: 1500, errorRate: 0.01 },
    payment: undefined,
    submit: { p95Ms: 1500, p99Ms: 4000, errorRate: 0.02 },
  },
  acknowledgementP95Ms: 3000,
};
const tally = (
  requests: number,
  errors: number,
  p95Ms: number | null,
  p99Ms: number | null,
): TallySummary => ({
  requests,
  errors,
  p95Ms,
  p99Ms,
});
const acked: { acknowledged: number; p95Ms: number | null } = { acknowledged: 98, p95Ms: 20 };

type Brief = [id: string, status: string, observed: number | null, remark?: string];
const brief = (c: Criterion): Brief => {
  const remark = c.status === "not-judged" ? c.reason : c.note;
  return remark === undefined ? [c.id, c.status, c.observed] : [c.id, c.status, c.observed, remark];
};
const unexercised = (step: string): Brief[] =>
  ["error-rate", "p95", "p99"].map(
    (stat): Brief => [
      `slo-${step}-${stat}`,
      "not-judged",
      null,
      `not exercised in this run: the run made no steady-state request to the ${step} step`,
    ],
  );

describe("SLO criteria", () => {
  it.each<[string, SloSettings | null, Array<[string, TallySummary]>, typeof acked, Brief[]]>([
    ["no SLO file: nothing judged", null, [["browse", tally(10, 0, 1, 2)]], acked, []],
    [
      "each objective of each exercised step, in the SLO file's order, then acknowledgement",
      slo,
      [
        ["submit", tally(100, 2, 1500, 4000.01)],
        ["browse", tally(3, 1, 12.5, 30)],
      ],
      acked,
      [
        ["slo-browse-error-rate", "failed", 0.3333],
        ["slo-browse-p95", "passed", 12.5],
        ["slo-browse-p99", "passed", 30],
        ["slo-submit-error-rate", "passed", 0.02],
        ["slo-submit-p95", "passed", 1500],
        ["slo-submit-p99", "failed", 4000.01],
        ["slo-acknowledgement-p95", "passed", 20],
      ],
    ],
    [
      "a step the run did not exercise, or with no steady-state request, is listed, not judged",
      slo,
      [
        ["submit", tally(0, 0, null, null)],
        ["status", tally(10, 0, 1, 1)],
      ],
      acked,
      [...unexercised("browse"), ...unexercised("submit"), ["slo-acknowledgement-p95", "passed", 20]],
    ],
    [
      "a step whose requests were never answered fails on latency, and says why",
      slo,
      [["browse", tally(4, 4, null, null)]],
      acked,
      [
        ["slo-browse-error-rate", "failed", 1],
        ["slo-browse-p95", "failed", null, "no answered requests in steady state"],
        ["slo-browse-p99", "failed", null, "no answered requests in steady state"],
        ...unexercised("submit"),
        ["slo-acknowledgement-p95", "passed", 20],
      ],
    ],
    [
      "no acknowledged dossier: acknowledgement is not judged",
      slo,
      [],
      { acknowledged: 0, p95Ms: null },
      [
        ...unexercised("browse"),
        ...unexercised("submit"),
        [
          "slo-acknowledgement-p95",
          "not-judged",
          null,
          "not exercised in this run: no dossier was acknowledged",
        ],
      ],
    ],
    [
      "acknowledged dossiers without a recorded time fail",
      slo,
      [],
      { acknowledged: 5, p95Ms: null },
      [
        ...unexercised("browse"),
        ...unexercised("submit"),
        ["slo-acknowledgement-p95", "failed", null, "no acknowledgement time was recorded"],
      ],
    ],
    [
      "acknowledgement too slow",
      slo,
      [],
      { acknowledged: 5, p95Ms: 3000.5 },
      [...unexercised("browse"), ...unexercised("submit"), ["slo-acknowledgement-p95", "failed", 3000.5]],
    ],
  ])("%s", (_, file, steps, ack, expected) => {
    expect(sloCriteria(file, new Map(steps), ack).map(brief)).toEqual(expected);
  });

  it("titles, thresholds and units name the SLO file and the step", () => {
    const got = sloCriteria(slo, new Map([["browse", tally(1, 0, 1, 1)]]), acked);
    expect(got.map((c) => [c.title, c.threshold, c.unit])).toEqual([
      ["SLO default: browse error rate (steady state)", 0.01, "ratio"],
      ["SLO default: browse p95 latency (steady state)", 500, "ms"],
      ["SLO default: browse p99 latency (steady state)", 1500, "ms"],
      ["SLO default: submit error rate (steady state)", 0.02, "ratio"],
      ["SLO default: submit p95 latency (steady state)", 1500, "ms"],
      ["SLO default: submit p99 latency (steady state)", 4000, "ms"],
      ["SLO default: p95 time from first submission attempt to acknowledgement", 3000, "ms"],
    ]);
  });
});
