import { describe, expect, it } from "vitest";
import { highestEquivalent, indexOf, newHistogram, percentileMs, recordMs } from "./histogram.js";

describe("HDR-layout histogram", () => {
  it("buckets values with better than 0.1 % relative error, contiguously", () => {
    let prev = -1;
    for (const v of [1, 2, 2047, 2048, 2049, 4095, 4096, 123_456, 2 ** 31 - 1, 2 ** 31, 3_600_000_000]) {
      const i = indexOf(v);
      const hi = highestEquivalent(i);
      expect(hi).toBeGreaterThanOrEqual(v);
      expect((hi - v) / v).toBeLessThan(0.001);
      expect(i).toBeGreaterThanOrEqual(prev);
      prev = i;
    }
    for (let i = 2040; i < 6000; i++) expect(indexOf(highestEquivalent(i))).toBe(i);
  });

  it("gives percentiles within 0.1 % of the exact ones", () => {
    const h = newHistogram();
    const values: number[] = [];
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const ms = 0.5 + (seed / 2 ** 31) ** 3 * 5000; // skewed, like latencies
      values.push(ms);
      recordMs(h, ms);
    }
    values.sort((a, b) => a - b);
    for (const p of [50, 95, 99, 99.9]) {
      const exact = values[Math.ceil((p / 100) * values.length) - 1] as number;
      const got = percentileMs(h, p) as number;
      expect(Math.abs(got - exact) / exact).toBeLessThan(0.0015);
    }
  });

  it("merges by adding counts, and is null when empty", () => {
    const a = newHistogram();
    const b = newHistogram();
    expect(percentileMs(a, 95)).toBeNull();
    for (let i = 1; i <= 50; i++) recordMs(a, i);
    for (let i = 51; i <= 100; i++) recordMs(b, i);
    a.merge(b);
    expect(a.totalCount).toBe(100);
    expect(percentileMs(a, 50)).toBeCloseTo(50, 1);
    expect(percentileMs(a, 100)).toBeCloseTo(100, 1);
  });
});
