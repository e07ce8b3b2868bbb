import { describe, expect, it } from "vitest";
import {
  compileProfile,
  curveAt,
  levelAt,
  officerRequests,
  paymentRequests,
  peakRequestsPerS,
  plannedIterations,
  scenarioRateAt,
  shapeTimes,
  sizeForFaults,
  timeUnitFor,
  windowStages,
} from "./compile.js";
import { Profile } from "./schema.js";

const profile = (over: Partial<Record<string, unknown>> = {}): Profile =>
  Profile.parse({
    schemaVersion: 1,
    name: "t",
    description: "",
    peakUsers: { value: 50_000, standing: "published", source: "s" },
    requestIntervalS: { value: 10, standing: "assumption", source: "s" },
    scale: 0.01,
    compression: 3600,
    shape: [
      { hour: 8, level: 0 },
      { hour: 9, level: 1 },
      { hour: 10, level: 0.5 },
    ],
    mix: { browse: 0.6, status: 0.25, submit: 0.1, payment: 0.05 },
    mixStanding: "assumption",
    provinces: { count: 34 },
    assumptions: [],
    ...over,
  });

describe("profile maths", () => {
  it("peak rate is users / interval × scale", () => {
    expect(peakRequestsPerS(profile())).toBe(50);
    expect(peakRequestsPerS(profile(), 1)).toBe(5000);
  });

  it.each([
    [0, 0],
    [0.5, 0.5],
    [1, 1],
    [1.5, 0.75],
    [2, 0.5],
    [5, 0.5],
    [-1, 0],
  ])("level at %s s is %s (linear between shape points, compression 3600)", (t, level) => {
    expect(levelAt(profile(), t)).toBeCloseTo(level, 9);
  });

  it("compresses the day: one hour per second at compression 3600", () => {
    expect(shapeTimes(profile())).toEqual([0, 1, 2]);
  });

  it("splits the mix into arrival-rate scenarios, payment inside the submission journey", () => {
    const c = compileProfile(profile());
    expect(c.durationS).toBe(2);
    const browse = c.scenarios.find((s) => s.name === "citizen_browse");
    const submit = c.scenarios.find((s) => s.name === "citizen_submit");
    expect(browse?.peakIterationsPerS).toBe(30); // 60 % of 50 requests/s
    expect(browse?.stages).toEqual([
      { durationS: 1, target: 30 },
      { durationS: 1, target: 15 },
    ]);
    expect(submit?.peakIterationsPerS).toBe(5);
    expect(c.pollsPerSubmission).toBeCloseTo(2.5);
    // submit + population lookup + 2.5 polls + payments (5 % of requests / 10 % submissions = 0.5 per submission)
    expect(submit?.requestsPerIteration).toBeCloseTo(5);
    expect(submit?.steps).toContain("payment");
    expect(c.journeys.payShare).toBeCloseTo(0.05 / paymentRequests / 0.1, 3);
    expect(c.notRun).toEqual([]);
    // citizens only (no platforms): the total peak is browse + submissions at level 1
    expect(c.totalPeakRequestsPerS).toBeCloseTo(30 + 5 * 5, 6);
  });

  it("says a step is not run when no journey can make it (payment without submissions)", () => {
    const c = compileProfile(profile({ mix: { browse: 0.9, payment: 0.1 } }));
    expect(c.scenarios.map((s) => s.name)).toEqual(["citizen_browse"]);
    expect(c.notRun).toEqual([{ step: "payment", share: 0.1 }]);
  });

  it("planned iterations are the area under the rate curve", () => {
    const browse = compileProfile(profile({ scale: 1 })).scenarios[0];
    if (!browse) throw new Error("no scenario");
    // 0→3000/s over 1 s, then 3000→1500/s over 1 s: 1500 + 2250
    expect(plannedIterations(browse)).toBeCloseTo(3750, 6);
  });

  it("rejects a mix that does not add up and hours that go back", () => {
    const r = Profile.safeParse({
      ...profile(),
      mix: { browse: 0.5 },
      shape: [
        { hour: 9, level: 1 },
        { hour: 8, level: 1 },
      ],
    });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["mix", "shape.1.hour"]));
  });

  it.each([
    // t, rate on a curve 0→10 over 0..10 s, then flat
    [-5, 0],
    [0, 0],
    [2.5, 2.5],
    [10, 10],
    [20, 10],
  ])("curve rate at %s s is %s", (t, rate) => {
    expect(
      curveAt(
        [
          { t: 0, rate: 0 },
          { t: 10, rate: 10 },
        ],
        t,
      ),
    ).toBeCloseTo(rate, 9);
  });

  it.each([
    // from, to, start, stages
    [0, 10, 0, [{ durationS: 10, target: 10 }]],
    [
      5,
      20,
      5,
      [
        { durationS: 5, target: 10 },
        { durationS: 10, target: 10 },
      ],
    ],
    [2, 4, 2, [{ durationS: 2, target: 4 }]],
  ])("cuts a curve to [%s, %s]: start %s, stages %j", (from, to, start, stages) => {
    const curve = [
      { t: 0, rate: 0 },
      { t: 10, rate: 10 },
      { t: 20, rate: 10 },
    ];
    expect(windowStages(curve, from, to)).toEqual({ startRate: start, stages });
  });

  it.each([
    [100, 10],
    [1, 10],
    [0.5, 60],
    [1 / 6, 60],
    [0.05, 600],
  ])("a peak of %s iterations/s counts per %s s", (peak, unit) => {
    expect(timeUnitFor(peak)).toBe(unit);
  });

  it.each([
    // reject, more documents, sign → requests per dossier
    [0, 0, 0, 5],
    [1, 0, 0, 2],
    [0, 1, 1, 10],
    [0.05, 0.1, 0.3, 1 + 0.05 + 0.95 * (4 + 0.2 + 0.9)],
  ])("an officer makes the right requests per dossier (reject %s, docs %s, sign %s)", (r, m, g, n) => {
    expect(
      officerRequests({
        dossierShare: 1,
        pickUpAfterS: 0,
        rejectShare: r,
        moreDocumentsShare: m,
        signShare: g,
        standing: "assumption",
      }),
    ).toBeCloseTo(n, 9);
  });
});

const platforms = {
  officer: {
    dossierShare: 0.5,
    pickUpAfterS: 0.5,
    rejectShare: 0,
    moreDocumentsShare: 0,
    signShare: 0,
    standing: "assumption",
  },
  provinceSync: {
    batchEveryS: { value: 10, standing: "assumption", source: "s" },
    dossiersPerBatch: 3,
    updatesPerBatch: 2,
  },
  reporting: { queriesPerS: { value: 100, standing: "assumption", source: "s" } },
  meetings: {
    joinsPerS: { value: 1000, standing: "assumption", source: "s" },
    // a storm at 08:30 inside a day compressed to 1 hour per second
    shape: [
      { hour: 8, level: 0 },
      { hour: 8.5, level: 1 },
      { hour: 9, level: 0 },
    ],
    stayMinutes: 30,
    sessions: 50,
  },
};

describe("platform scenarios", () => {
  const c = compileProfile(profile({ platforms }));
  const by = (name: string) => {
    const s = c.scenarios.find((x) => x.name === name);
    if (!s) throw new Error(`no ${name}`);
    return s;
  };

  it("gives every journey its own arrival-rate scenario", () => {
    expect(c.scenarios.map((s) => s.exec)).toEqual([
      "browse",
      "submit",
      "officer",
      "sync",
      "report",
      "meeting",
    ]);
  });

  it("officers follow the submissions' curve, shifted by the pick-up time and scaled by their share", () => {
    const officer = by("officer_process");
    const submit = by("citizen_submit");
    expect(officer.startTimeS).toBe(0.5);
    for (const t of [0.5, 1, 1.25, 1.5, 2])
      expect(scenarioRateAt(officer, t)).toBeCloseTo(scenarioRateAt(submit, t - 0.5) * 0.5, 6);
    expect(scenarioRateAt(officer, 0.4)).toBe(0);
    expect(officer.stages.reduce((s, x) => s + x.durationS, 0) + officer.startTimeS).toBeCloseTo(
      c.durationS,
      6,
    );
    expect(officer.requestsPerIteration).toBe(5);
  });

  it.each([
    // scenario, peak iterations/s, requests per iteration
    ["province_sync", (34 * 0.01) / 10, 6],
    ["reporting_query", 100 * 0.01, 1],
    ["meeting_join", 1000 * 0.01, 3],
  ])("%s peaks at %s iterations/s of %s requests (national figures × scale)", (name, peak, req) => {
    expect(by(name).peakIterationsPerS).toBeCloseTo(peak, 3);
    expect(by(name).requestsPerIteration).toBe(req);
  });

  it("shapes the meeting storm on its own hours, compressed like the day", () => {
    const m = by("meeting_join");
    expect(scenarioRateAt(m, 0)).toBeCloseTo(0, 9);
    expect(scenarioRateAt(m, 0.5)).toBeCloseTo(10, 9);
    expect(scenarioRateAt(m, 1)).toBeCloseTo(0, 9);
    expect(scenarioRateAt(m, 2)).toBeCloseTo(0, 9);
  });

  it("passes journey settings on and counts every scenario in the total peak", () => {
    expect(c.journeys.officer).toEqual({
      dossierShare: 0.5,
      rejectShare: 0,
      moreDocumentsShare: 0,
      signShare: 0,
    });
    expect(c.journeys.sync).toEqual({ dossiersPerBatch: 3, updatesPerBatch: 2 });
    expect(c.journeys.meetings).toEqual({ sessions: 50, stayS: 0.5 });
    const sum = c.scenarios.reduce((s, x) => s + scenarioRateAt(x, 1) * x.requestsPerIteration, 0);
    expect(c.totalPeakRequestsPerS).toBeGreaterThanOrEqual(sum - 1e-6);
  });

  it("leaves officers out when they would start after the load ends", () => {
    const late = compileProfile(
      profile({ platforms: { officer: { ...platforms.officer, pickUpAfterS: 5 } } }),
    );
    expect(late.scenarios.map((s) => s.exec)).toEqual(["browse", "submit"]);
  });
});

describe("VU pools sized for the faults on the links the scenarios enter by", () => {
  const c = compileProfile(profile({ platforms }));
  const pools = (p: typeof c) =>
    Object.fromEntries(p.scenarios.map((s) => [s.exec, [s.preAllocatedVUs, s.maxVUs]]));
  const before = pools(c);

  it.each<[string, Parameters<typeof sizeForFaults>[1], Record<string, [number, number]>]>([
    ["no fault: the pools stay", [], {}],
    [
      // officers 2.5/s × (1.5 s + 5 requests × 1 s) = 16.25 → 17 VUs; reports 1/s × (2 s + 1 × 1 s) = 3;
      // meeting joins 10/s × (0.5 s + 3 × 1 s) = 35; maxVUs twice that, never below what they were
      "a 1 s latency on the officers' link grows the officers' pools only",
      [{ entry: "officer", perRequestS: 1, durationS: 10 }],
      { officer: [17, 34], report: [3, 10], meeting: [35, 70] },
    ],
    [
      // browse 30/s × (0.5 s + 1 × 0.3 s) = 24; submit 5/s × (4 s + 5 × 0.3 s) = 27.5 → 28
      "a 300 ms latency on the citizens' link grows the citizens' pools",
      [{ entry: "citizen", perRequestS: 0.3, durationS: 10 }],
      { browse: [24, 60], submit: [28, 80] },
    ],
    [
      // a 2 s fault holds an iteration at most 2 s + one held request (12 s): browse 30/s × (0.5 + min(10, 12))
      // = 315; submit 5/s × (4 + min(5 × 10, 12)) = 80
      "a timeout per request, held no longer than the fault and one more request",
      [{ entry: "citizen", perRequestS: 10, durationS: 2 }],
      { browse: [315, 630], submit: [80, 160] },
    ],
  ])("%s", (_, faults, grown) => {
    const sized = pools(sizeForFaults(c, faults));
    expect(sized).toEqual({ ...before, ...grown });
    for (const [exec, [pre, max]] of Object.entries(sized)) {
      expect(pre, exec).toBeGreaterThanOrEqual(before[exec]?.[0] ?? 0);
      expect(max, exec).toBeGreaterThanOrEqual(before[exec]?.[1] ?? 0);
    }
  });

  it("on a URL target, officers share the citizens' link: the same fault sizes both", () => {
    const url = sizeForFaults(c, [
      { entry: "citizen", perRequestS: 2, durationS: 5 },
      { entry: "officer", perRequestS: 2, durationS: 5 },
    ]);
    const mock = sizeForFaults(c, [{ entry: "citizen", perRequestS: 2, durationS: 5 }]);
    const officer = (p: typeof c) => p.scenarios.find((s) => s.exec === "officer");
    expect(officer(mock)).toEqual(officer(c));
    // officers 2.5/s × (1.5 s + min(5 requests × 2 s, 5 s + 2 s)) = 21.25 → 22 VUs
    expect(officer(url)).toMatchObject({ preAllocatedVUs: 22, maxVUs: 44 });
    expect(url.scenarios.find((s) => s.exec === "sync")).toEqual(c.scenarios.find((s) => s.exec === "sync"));
  });
});
