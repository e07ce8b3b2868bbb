import { describe, expect, it } from "vitest";
import { ArrivalClock, areaAt, plannedStarts, type RateCurve, rateAt } from "./arrival-rate.js";

const perS = (r: number) => r / 1000;
const expectCloseAll = (got: number[], want: number[]) => {
  expect(got).toHaveLength(want.length);
  got.forEach((t, i) => {
    expect(t).toBeCloseTo(want[i] as number, 6);
  });
};
const all = (c: RateCurve): number[] => {
  const clock = new ArrivalClock(c);
  const out: number[] = [];
  for (let t = clock.next(); t !== null; t = clock.next()) out.push(t);
  return out;
};

describe("arrival-rate start times (k6's documented maths)", () => {
  it("constant rate: iteration n starts at n / rate, rate × duration of them, the first at 0", () => {
    const c: RateCurve = { startPerMs: perS(10), stages: [{ durationMs: 3000, targetPerMs: perS(10) }] };
    const starts = all(c);
    expect(starts).toHaveLength(30);
    starts.forEach((t, n) => {
      expect(t).toBeCloseTo(n * 100, 6);
    });
  });

  it("a 1/min rate with timeUnit 1m starts one iteration every 6 s at rate 10", () => {
    const c: RateCurve = {
      startPerMs: 10 / 60_000,
      stages: [{ durationMs: 60_000, targetPerMs: 10 / 60_000 }],
    };
    expectCloseAll(all(c), [0, 6000, 12000, 18000, 24000, 30000, 36000, 42000, 48000, 54000]);
  });

  it("ramping: iteration n starts when the area under the rate curve reaches n", () => {
    const c: RateCurve = {
      startPerMs: 0,
      stages: [
        { durationMs: 10_000, targetPerMs: perS(20) },
        { durationMs: 5_000, targetPerMs: perS(20) },
        { durationMs: 10_000, targetPerMs: 0 },
      ],
    };
    const starts = all(c);
    // Trapezoids: 100 + 100 + 100.
    expect(plannedStarts(c)).toBe(300);
    expect(starts).toHaveLength(300);
    starts.forEach((t, n) => {
      expect(areaAt(c, t)).toBeCloseTo(n, 6);
    });
    // In the ramp-up the rate is 2·t per s (t in s), so the area is t²: iteration 4 starts at 2 s.
    expect(starts[4]).toBeCloseTo(2000, 6);
    expect(starts.every((t, i) => i === 0 || t > (starts[i - 1] as number))).toBe(true);
  });

  it("a trapezoid stage starts duration × (from + to) / 2 iterations", () => {
    const c: RateCurve = { startPerMs: perS(50), stages: [{ durationMs: 60_000, targetPerMs: perS(92) }] };
    expect(plannedStarts(c)).toBe(4260);
  });

  it("instant jumps (zero-length stages) and pauses (zero rate) are honoured", () => {
    const c: RateCurve = {
      startPerMs: 0,
      stages: [
        { durationMs: 0, targetPerMs: perS(10) },
        { durationMs: 1000, targetPerMs: perS(10) },
        { durationMs: 0, targetPerMs: 0 },
        { durationMs: 2000, targetPerMs: 0 },
        { durationMs: 0, targetPerMs: perS(10) },
        { durationMs: 1000, targetPerMs: perS(10) },
      ],
    };
    const starts = all(c);
    expect(starts).toHaveLength(20);
    expectCloseAll(starts.slice(0, 10), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    // Iteration 10 is due when the area reaches 10: the end of the first second; then nothing until 3 s.
    expect(starts[10]).toBeCloseTo(1000, 6);
    expect(starts[11]).toBeCloseTo(3100, 6);
  });

  it("zero rate throughout starts nothing", () => {
    expect(all({ startPerMs: 0, stages: [{ durationMs: 5000, targetPerMs: 0 }] })).toEqual([]);
  });

  it("reads the rate at a time", () => {
    const c: RateCurve = { startPerMs: 0, stages: [{ durationMs: 1000, targetPerMs: 1 }] };
    expect(rateAt(c, 500)).toBeCloseTo(0.5);
    expect(rateAt(c, 2000)).toBe(0);
  });
});
