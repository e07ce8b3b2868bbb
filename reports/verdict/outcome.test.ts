import { describe, expect, it } from "vitest";
import type { HeldPlan } from "./outcome.js";
import {
  droppedWithin,
  dropWindowVus,
  entryFaultRanges,
  type InconclusiveKind,
  type InconclusiveReason,
  inconclusiveReasons,
  loadHeldCriteria,
  outcomeOf,
} from "./outcome.js";
import type { Criterion } from "./schema.js";

const held: HeldPlan = {
  plannedIterations: 3000,
  droppedIterations: 0,
  maxDroppedIterationsShare: 0.001,
  totalRequests: 3000,
  engineStatus: "completed",
  hasBaseline: true,
  faults: 1,
  generatorCpu: { value: 0.1 },
};

describe("inconclusive: the run cannot be judged either way", () => {
  it.each<[string, Partial<HeldPlan>, string[]]>([
    ["the plan was held", {}, []],
    ["dropped iterations within the allowed share", { droppedIterations: 3 }, []],
    [
      "dropped beyond it",
      { droppedIterations: 4 },
      ["the load generator dropped 4 of 3000 planned iterations (0.13 %): the plan was not held"],
    ],
    [
      "planned iterations are printed rounded",
      { plannedIterations: 99.6, droppedIterations: 1 },
      ["the load generator dropped 1 of 100 planned iterations (1.00 %): the plan was not held"],
    ],
    ["nothing planned: no share to exceed", { plannedIterations: 0, droppedIterations: 5 }, []],
    ["no request was made", { totalRequests: 0 }, ["no request was made"]],
    [
      "the engine ended in an error",
      { engineStatus: "error" },
      ["the load engine ended error, not as planned"],
    ],
    ["interrupted", { engineStatus: "interrupted" }, ["the load engine ended interrupted, not as planned"]],
    [
      "aborted by the script",
      { engineStatus: "aborted-by-script" },
      ["the load engine ended aborted-by-script, not as planned"],
    ],
    ["thresholds failed: judged (safety-abort), not inconclusive", { engineStatus: "thresholds-failed" }, []],
    ["aborted by a threshold: judged too", { engineStatus: "aborted-by-threshold" }, []],
    [
      "no baseline before the first fault",
      { hasBaseline: false },
      ["no steady-state baseline before the first fault"],
    ],
    ["no baseline, but no fault either", { hasBaseline: false, faults: 0 }, []],
    [
      "the generator's CPU saturated",
      { generatorCpu: { value: 0.95 } },
      ["the load generator's CPU was saturated (95 % of all cores on average over the load)"],
    ],
    ["the generator's CPU not measured", { generatorCpu: { value: null } }, []],
    [
      "every reason, in order",
      {
        droppedIterations: 300,
        totalRequests: 0,
        engineStatus: "error",
        hasBaseline: false,
        generatorCpu: { value: 0.999 },
      },
      [
        "the load generator dropped 300 of 3000 planned iterations (10.00 %): the plan was not held",
        "no request was made",
        "the load engine ended error, not as planned",
        "no steady-state baseline before the first fault",
        "the load generator's CPU was saturated (100 % of all cores on average over the load)",
      ],
    ],
  ])("%s", (_, change, expected) => {
    expect(inconclusiveReasons({ ...held, ...change })).toEqual(expected);
  });
});

describe("dropped iterations: the generator's doing or the target's", () => {
  const dropped: Partial<HeldPlan> = { droppedIterations: 30, vusBusyPeak: 40, vusMaxPeak: 40 };
  it.each<[string, Partial<HeldPlan>, string[], [status: string, observed: number, threshold: number]]>([
    ["no drops: load-held passes", {}, [], ["passed", 0, 3]],
    ["drops within the allowed share: passes", { droppedIterations: 3 }, [], ["passed", 3, 3]],
    ["every VU busy, generator fine: the target's doing, load-held fails", dropped, [], ["failed", 30, 3]],
    [
      "every VU busy, but the CPU saturated: inconclusive, not judged",
      { ...dropped, generatorCpu: { value: 0.97 } },
      [
        "the load generator dropped 30 of 3000 planned iterations (1.00 %): the plan was not held",
        "the load generator's CPU was saturated (97 % of all cores on average over the load)",
      ],
      ["not-judged", 30, 3],
    ],
    [
      "every VU busy, but iterations started late: inconclusive, not judged",
      { ...dropped, startLagP99Ms: 1500 },
      [
        "the load generator dropped 30 of 3000 planned iterations (1.00 %): the plan was not held",
        "the load generator started iterations late (start lag p99 1500 ms, limit 1000 ms)",
      ],
      ["not-judged", 30, 3],
    ],
    [
      "VUs to spare: inconclusive, not judged",
      { ...dropped, vusBusyPeak: 31 },
      ["the load generator dropped 30 of 3000 planned iterations (1.00 %): the plan was not held"],
      ["not-judged", 30, 3],
    ],
    [
      "VU gauges never sampled: inconclusive, not judged",
      { ...dropped, vusBusyPeak: null, vusMaxPeak: null },
      ["the load generator dropped 30 of 3000 planned iterations (1.00 %): the plan was not held"],
      ["not-judged", 30, 3],
    ],
    [
      "every VU busy, but the drops came while a fault on the load's own link held them: not the target's",
      { ...dropped, droppedInEntryFaults: 28 },
      [
        "the load generator dropped 30 of 3000 planned iterations (1.00 %), 28 of them while a fault on a link the load enters by held its VUs: the plan was not held",
      ],
      ["not-judged", 2, 3],
    ],
    [
      "every VU busy, most drops outside such faults: the target's",
      { ...dropped, droppedInEntryFaults: 10 },
      [],
      ["failed", 20, 3],
    ],
    [
      "a start lag within its configured limit is fine",
      { ...dropped, startLagP99Ms: 1500, maxStartLagP99Ms: 2000 },
      [],
      ["failed", 30, 3],
    ],
  ])("%s", (_, change, reasons, [status, observed, threshold]) => {
    const h = { ...held, ...change };
    expect(inconclusiveReasons(h)).toEqual(reasons);
    expect(loadHeldCriteria(h)).toMatchObject([{ id: "load-held", status, observed, threshold }]);
  });
});

describe("outcome: failed beats inconclusive when the target is the cause", () => {
  const c = (id: string, status: Criterion["status"]): Criterion => ({
    id,
    title: id,
    status,
    passed: status === "passed",
    observed: 0,
    threshold: 0,
    unit: "",
  });
  const r = (kind: InconclusiveKind): InconclusiveReason => ({ kind, text: kind });
  it.each<[string, Criterion[], InconclusiveReason[], string]>([
    ["every criterion passed", [c("steady-p95", "passed"), c("dossiers-lost", "passed")], [], "passed"],
    ["no criterion at all", [], [], "passed"],
    ["one failed", [c("steady-p95", "passed"), c("dossiers-lost", "failed")], [], "failed"],
    [
      "not judged is no failure",
      [c("steady-p95", "passed"), c("dossiers-stuck", "not-judged")],
      [],
      "passed",
    ],
    ["only not judged", [c("failover", "not-judged")], [], "passed"],
    ["inconclusive beats passed", [c("steady-p95", "passed")], [r("no-requests")], "inconclusive"],
    [
      "not judged does not make it failed",
      [c("dossiers-lost", "not-judged")],
      [r("dropped")],
      "inconclusive",
    ],
    ["a lost dossier despite dropped iterations", [c("dossiers-lost", "failed")], [r("dropped")], "failed"],
    [
      "a lost dossier despite a saturated generator",
      [c("dossiers-lost", "failed")],
      [r("generator")],
      "failed",
    ],
    ["a lost dossier despite an engine error", [c("dossiers-lost", "failed")], [r("engine")], "failed"],
    ["a slow step despite dropped iterations", [c("slo-submit-p95", "failed")], [r("dropped")], "failed"],
    ["a slow steady state despite no baseline", [c("steady-p95", "failed")], [r("no-baseline")], "failed"],
    [
      "a slow step on a saturated generator: its own delays are in it",
      [c("slo-submit-p95", "failed")],
      [r("generator")],
      "inconclusive",
    ],
    [
      "no recovery without a baseline",
      [c("recover-citizen-outage", "failed")],
      [r("no-baseline")],
      "inconclusive",
    ],
    [
      "a late fault is the chaos timeline's failure",
      [c("fault-start-skew", "failed")],
      [r("dropped")],
      "inconclusive",
    ],
    [
      "failover timed on a load that dropped iterations",
      [c("failover", "failed")],
      [r("dropped")],
      "inconclusive",
    ],
    ["an id the catalogue does not hold", [c("something-else", "failed")], [r("dropped")], "inconclusive"],
    [
      "every reason must spare it: dropped and a saturated generator",
      [c("steady-p95", "failed")],
      [r("dropped"), r("generator")],
      "inconclusive",
    ],
    [
      "the target's own metrics despite a saturated generator",
      [c("queue-drain", "failed")],
      [r("generator"), r("dropped")],
      "failed",
    ],
  ])("%s", (_, criteria, reasons, expected) => {
    expect(outcomeOf(criteria, reasons)).toBe(expected);
  });
});

describe("which drops a fault on the load's own links caused", () => {
  const faults = [
    { link: "citizen-gateway", appliedStartMs: 15_000, appliedEndMs: 25_000, plannedEndMs: 25_000 },
    { link: "gateway-dossier-primary", appliedStartMs: 30_000, appliedEndMs: 35_000, plannedEndMs: 35_000 },
    { link: "officer-gateway", appliedStartMs: null, appliedEndMs: null, plannedEndMs: 45_000 },
    { link: "officer-gateway", appliedStartMs: 50_000, appliedEndMs: null, plannedEndMs: 52_000 },
  ];
  it("ranges: entry links only, applied start to applied (or planned) end plus the recovery time", () => {
    expect(entryFaultRanges(faults, { recoverWithinS: 10 })).toEqual([
      { fromMs: 15_000, toMs: 35_000 },
      { fromMs: 50_000, toMs: 62_000 },
    ]);
  });

  const w = (startMs: number, dropped: number, vusBusy: number | null = 5, vusMax: number | null = 10) => ({
    startMs,
    dropped,
    vusBusy,
    vusMax,
  });
  const windows = [
    w(13_000, 1, 10),
    w(14_000, 2, 10),
    w(15_000, 4, 10),
    w(34_000, 8, 10),
    w(35_000, 16, 7),
    w(36_000, 0, 10),
  ];
  const ranges = [{ fromMs: 15_000, toMs: 35_000 }];
  it.each<[string, number, number]>([
    ["1 s windows: the ones overlapping the range", 1000, 12],
    ["2 s windows reach one back", 2000, 14],
  ])("drops within: %s", (_, windowMs, expected) => {
    expect(droppedWithin(windows, windowMs, ranges)).toBe(expected);
  });

  it.each<[string, typeof windows, { vusBusyPeak: number | null; vusMaxPeak: number | null }]>([
    ["peaks of the windows that dropped outside the ranges", windows, { vusBusyPeak: 10, vusMaxPeak: 10 }],
    ["none dropped outside: nothing to blame", [w(15_000, 3, 10)], { vusBusyPeak: null, vusMaxPeak: null }],
    ["gauges not sampled there", [w(40_000, 3, null, null)], { vusBusyPeak: null, vusMaxPeak: null }],
  ])("VUs when dropping: %s", (_, ws, expected) => {
    expect(dropWindowVus(ws, 1000, ranges)).toEqual(expected);
  });
});
