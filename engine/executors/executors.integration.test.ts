import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { areaAt } from "../schedule/arrival-rate.js";
import { runScript } from "../testing/engine-run.js";

/**
 * Each executor on the real engine, checked against k6's documented maths: which iterations start, on which
 * VUs, and when. Every iteration logs its numbers; timing tolerances are generous (a 2-core machine shared
 * with other tests), the counts are exact.
 */
interface Start {
  i: number;
  vu: number;
  t: number;
  s: string;
  iter: number;
}

const logStart = `console.log(JSON.stringify({ i: exec.scenario.iterationInTest, vu: exec.vu.idInTest, t: Date.now() - Number(__ENV.T0 || 0), s: exec.scenario.name, iter: __ITER }))`;

const starts = (file: string): Start[] =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter((l) => l.includes('"source":"console"'))
    .map((l) => JSON.parse((JSON.parse(l) as { msg: string }).msg) as Start);

const script = (options: unknown, body = "") => `
  import exec from "k6/execution";
  import { setTimeout } from "k6/timers";
  export const options = ${JSON.stringify(options)};
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  export default async function () {
    ${logStart};
    ${body}
  }
`;

/** Start times relative to the first iteration (the scenario's start). */
const relative = (list: Start[]): Start[] => {
  const first = Math.min(...list.map((s) => s.t));
  return list.map((s) => ({ ...s, t: s.t - first })).sort((a, b) => a.i - b.i);
};

describe("executors against k6's documented maths, on the engine", () => {
  it("constant-arrival-rate: rate × duration iterations, iteration n at n / rate", async () => {
    const run = await runScript(
      script({
        scenarios: {
          c: {
            executor: "constant-arrival-rate",
            rate: 50,
            timeUnit: "1s",
            duration: "2s",
            preAllocatedVUs: 5,
          },
        },
      }),
      { warmUp: false },
    );
    expect(run.result?.status).toBe("completed");
    const s = relative(starts(run.files.console));
    expect(s.map((x) => x.i)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    for (const x of s) expect(Math.abs(x.t - x.i * 20)).toBeLessThan(25);
    expect(run.result?.iterations).toMatchObject({ started: 100, completed: 100, dropped: 0, planned: 100 });
  });

  it("ramping-arrival-rate: iteration n starts when the area under the rate curve reaches n", async () => {
    const stages = [
      { duration: "2s", target: 40 },
      { duration: "1s", target: 40 },
    ];
    const run = await runScript(
      script({
        scenarios: {
          r: { executor: "ramping-arrival-rate", startRate: 0, timeUnit: "1s", stages, preAllocatedVUs: 5 },
        },
      }),
      { warmUp: false },
    );
    const s = relative(starts(run.files.console));
    // 0 → 40/s over 2 s (40 iterations) then 40/s for 1 s (40).
    expect(s).toHaveLength(80);
    const curve = {
      startPerMs: 0,
      stages: [
        { durationMs: 2000, targetPerMs: 0.04 },
        { durationMs: 1000, targetPerMs: 0.04 },
      ],
    };
    for (const x of s) {
      // The area reached at the logged time is n, within the rate × 25 ms of slack the timers allow.
      expect(Math.abs(areaAt(curve, x.t) - x.i)).toBeLessThan(1.5);
    }
  });

  it("constant-vus: that many VUs loop for the duration; the graceful stop lets the last iterations end", async () => {
    const run = await runScript(
      script({ scenarios: { v: { executor: "constant-vus", vus: 3, duration: "1s" } } }, "await sleep(100);"),
      { warmUp: false },
    );
    const s = starts(run.files.console);
    expect(new Set(s.map((x) => x.vu))).toEqual(new Set([1, 2, 3]));
    expect(s.length).toBeGreaterThanOrEqual(21);
    expect(s.length).toBeLessThanOrEqual(33);
    expect(new Set(s.map((x) => x.i)).size).toBe(s.length);
    expect(run.result?.iterations.interrupted).toBe(0);
  });

  it("ramping-vus: VU k runs only while the ramp is above k, and ramps down gracefully", async () => {
    const run = await runScript(
      script(
        {
          scenarios: {
            r: {
              executor: "ramping-vus",
              startVUs: 0,
              stages: [
                { duration: "1s", target: 4 },
                { duration: "1s", target: 4 },
                { duration: "1s", target: 0 },
              ],
              gracefulRampDown: "0s",
            },
          },
        },
        "await sleep(50);",
      ),
      { warmUp: false },
    );
    const s = relative(starts(run.files.console));
    const firstOf = (vu: number) => Math.min(...s.filter((x) => x.vu === vu).map((x) => x.t));
    const lastOf = (vu: number) => Math.max(...s.filter((x) => x.vu === vu).map((x) => x.t));
    expect(new Set(s.map((x) => x.vu))).toEqual(new Set([1, 2, 3, 4]));
    // VU k (1-based) starts once the ramp reaches k: at k/4 s after the first VU's start at 0.25 s.
    for (const vu of [2, 3, 4]) expect(firstOf(vu) - firstOf(1)).toBeGreaterThan((vu - 1) * 250 - 60);
    // On the way down VU 4 stops first (the count falls below 4 right after 2 s), VU 1 last.
    expect(lastOf(4)).toBeLessThan(lastOf(1));
    expect(lastOf(1)).toBeLessThan(3000);
  });

  it("per-vu-iterations and shared-iterations run exactly the iterations asked", async () => {
    const run = await runScript(
      script({
        scenarios: {
          p: { executor: "per-vu-iterations", vus: 3, iterations: 4 },
          q: { executor: "shared-iterations", vus: 3, iterations: 10, startTime: "100ms" },
        },
      }),
      { warmUp: false },
    );
    const s = starts(run.files.console);
    const p = s.filter((x) => x.s === "p");
    const q = s.filter((x) => x.s === "q");
    expect(p.map((x) => x.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, n) => n));
    for (const vu of new Set(p.map((x) => x.vu))) expect(p.filter((x) => x.vu === vu)).toHaveLength(4);
    expect(q.map((x) => x.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, n) => n));
    // VU ids are unique in the test: the two scenarios never share one.
    expect(new Set(p.map((x) => x.vu)).size + new Set(q.map((x) => x.vu)).size).toBe(
      new Set(s.map((x) => x.vu)).size,
    );
  });

  it("a start that finds no free VU is a dropped iteration", async () => {
    const run = await runScript(
      script(
        {
          scenarios: {
            d: {
              executor: "constant-arrival-rate",
              rate: 20,
              timeUnit: "1s",
              duration: "1s",
              preAllocatedVUs: 1,
              maxVUs: 1,
            },
          },
        },
        "await sleep(180);",
      ),
      { warmUp: false },
    );
    const it = run.result?.iterations;
    expect(it?.started).toBeGreaterThanOrEqual(5);
    expect(it?.started).toBeLessThanOrEqual(7);
    expect((it?.started ?? 0) + (it?.dropped ?? 0)).toBe(20);
    expect(run.result?.status).toBe("completed");
  });

  it("gracefulStop interrupts iterations still running after it", async () => {
    const started = Date.now();
    const run = await runScript(
      script(
        { scenarios: { g: { executor: "constant-vus", vus: 2, duration: "500ms", gracefulStop: "300ms" } } },
        "await sleep(5000);",
      ),
      { warmUp: false },
    );
    expect(run.result?.iterations).toMatchObject({ started: 2, completed: 0, interrupted: 2 });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("4 worker threads start exactly the iterations of the whole, none twice, on distinct VUs", async () => {
    const run = await runScript(
      script({
        scenarios: {
          a: {
            executor: "constant-arrival-rate",
            rate: 100,
            timeUnit: "1s",
            duration: "1s",
            preAllocatedVUs: 8,
          },
          b: { executor: "shared-iterations", vus: 8, iterations: 40 },
        },
      }),
      { warmUp: false, workers: 4 },
    );
    expect(run.result?.status).toBe("completed");
    const s = starts(run.files.console);
    for (const [name, count] of [
      ["a", 100],
      ["b", 40],
    ] as const) {
      const mine = s.filter((x) => x.s === name);
      expect(mine.map((x) => x.i).sort((p, q) => p - q)).toEqual(Array.from({ length: count }, (_, n) => n));
    }
    expect(run.result?.workerStartOffsetsMs).toHaveLength(4);
    for (const o of run.result?.workerStartOffsetsMs ?? []) expect(Math.abs(o ?? 99)).toBeLessThan(50);
  });

  it("two instances with execution segments together start the whole plan once", async () => {
    const options = {
      scenarios: {
        a: {
          executor: "constant-arrival-rate",
          rate: 60,
          timeUnit: "1s",
          duration: "1s",
          preAllocatedVUs: 4,
        },
      },
    };
    const halves = await Promise.all(
      ["0:1/2", "1/2:1"].map((seg) =>
        runScript(script(options), {
          warmUp: false,
          overrides: { executionSegment: seg, executionSegmentSequence: "0,1/2,1" },
        }),
      ),
    );
    const ids = halves.flatMap((h) => starts(h.files.console).map((x) => x.i));
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, n) => n));
    const vus = halves.map((h) => new Set(starts(h.files.console).map((x) => x.vu)));
    for (const v of vus[0] ?? []) expect(vus[1]?.has(v)).toBe(false);
  });
});
