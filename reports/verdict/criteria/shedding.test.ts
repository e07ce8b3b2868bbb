import { describe, expect, it } from "vitest";
import { recordMs } from "../../../engine/metrics/histogram.js";
import { newTally, type Tally } from "../../analysis/windows.js";
import type { Criterion } from "../schema.js";
import { type AppliedFault, type SheddingInput, sheddingCriteria, sheddingIntervals } from "./shedding.js";

const tally = (n: number, ms: number): Tally => {
  const t = newTally();
  for (let i = 0; i < n; i++) recordMs(t.hist, ms);
  t.requests = n;
  return t;
};
const storm: AppliedFault = { id: "slow-meetings", link: "gateway-meetings", start: 15_000, end: 25_000 };

const input = (o: Partial<SheddingInput> & { tallies?: Record<string, Tally> }): SheddingInput => ({
  faults: [storm],
  intervals: new Map(Object.entries(o.tallies ?? {})),
  queueSeries: [],
  retry: { afterRefusal: 0, withRetryAfter: 0 },
  refusalP95MaxMs: 250,
  admittedP95MaxMs: 500,
  ...o,
});

const brief = (c: Criterion[]) => c.map((x) => [x.id, x.status, x.observed]);

describe("shedding criteria", () => {
  it.each<[string, SheddingInput, Array<[string, Criterion["status"], number | null]>]>([
    [
      "a healthy gateway: fast 503s with Retry-After, admitted requests within their objective",
      input({
        tallies: {
          "shedding:refused": tally(40, 5),
          "shedding:refused:slow-meetings": tally(40, 5),
          "shedding:admitted:slow-meetings": tally(400, 30),
        },
        retry: { afterRefusal: 20, withRetryAfter: 20 },
      }),
      [
        ["shedding-refusal-fast", "passed", 5],
        ["shedding-retry-after", "passed", 1],
        ["shedding-admitted-latency", "passed", 30],
      ],
    ],
    [
      "an unbounded queue: nothing refused, the queue grows, admitted requests wait",
      input({
        tallies: { "shedding:admitted:slow-meetings": tally(400, 3000) },
        queueSeries: [
          { tMs: 14_000, depth: 0 },
          { tMs: 18_000, depth: 900 },
        ],
      }),
      [
        ["shedding-refusal-fast", "not-judged", null],
        ["shedding-retry-after", "not-judged", null],
        ["shedding-admitted-latency", "failed", 3000],
      ],
    ],
    [
      "overload answered with 500s and slow refusals without Retry-After",
      input({
        tallies: {
          "shedding:refused": tally(10, 2000),
          "shedding:500": tally(30, 10),
          "shedding:refused:slow-meetings": tally(10, 2000),
          "shedding:admitted:slow-meetings": tally(100, 40),
        },
        retry: { afterRefusal: 10, withRetryAfter: 0 },
      }),
      [
        ["shedding-refusal-fast", "failed", 2000],
        ["shedding-retry-after", "failed", 0],
        ["shedding-admitted-latency", "passed", 40],
      ],
    ],
    [
      "no overload at all: none judged",
      input({ tallies: { "shedding:admitted:slow-meetings": tally(400, 3000) } }),
      [
        ["shedding-refusal-fast", "not-judged", null],
        ["shedding-retry-after", "not-judged", null],
        ["shedding-admitted-latency", "not-judged", null],
      ],
    ],
  ])("%s", (_, i, expected) => {
    const c = sheddingCriteria(i);
    expect(brief(c)).toEqual(expected);
    for (const x of c) if (x.status === "not-judged") expect(x.reason).toMatch(/not exercised|no data/);
  });
});

describe("shedding intervals", () => {
  const specs = sheddingIntervals([storm], 5000);
  const accepts = (id: string, step: string, status: string, t: number) =>
    specs.find((s) => s.id === id)?.accept?.(step, status, t);
  it.each<[string, string, string, number, boolean]>([
    ["shedding:refused", "browse", "503", 1000, true],
    ["shedding:refused", "browse", "429", 1000, true],
    ["shedding:refused", "browse", "200", 1000, false],
    // a meeting join refused while its own link was faulted (or recovering) failed upstream: not shedding
    ["shedding:refused", "meeting", "503", 20_000, false],
    ["shedding:refused", "meeting", "503", 29_000, false],
    ["shedding:refused", "meeting", "503", 31_000, true],
    ["shedding:500", "status", "500", 20_000, true],
    ["shedding:admitted:slow-meetings", "browse", "200", 20_000, true],
    ["shedding:admitted:slow-meetings", "meeting", "200", 20_000, false],
    ["shedding:admitted:slow-meetings", "browse", "503", 20_000, false],
  ])("%s accepts %s %s at %d ms: %s", (id, step, status, t, expected) => {
    expect(accepts(id, step, status, t)).toBe(expected);
  });
});
