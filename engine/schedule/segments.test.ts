import { describe, expect, it } from "vitest";
import { ArrivalClock } from "./arrival-rate.js";
import {
  parseFraction,
  parseSegment,
  resolveSegmentation,
  type Segmentation,
  SegmentMap,
  WorkerSlice,
} from "./segments.js";

const mapOf = (seg: string, seq?: string): SegmentMap => {
  const s = resolveSegmentation(seg, seq) as Segmentation;
  return new SegmentMap(s.sequence, s.segment);
};

describe("execution segments", () => {
  it("parses k6's segment forms", () => {
    expect(parseFraction("1/4")).toEqual({ num: 1, den: 4 });
    expect(parseFraction("25%")).toEqual({ num: 1, den: 4 });
    expect(parseFraction("0.25")).toEqual({ num: 1, den: 4 });
    expect(parseFraction("5/4")).toBeNull();
    expect(parseSegment("25%")).toEqual([
      { num: 0, den: 1 },
      { num: 1, den: 4 },
    ]);
    expect(parseSegment("1/2:1/4")).toBeNull();
    expect(resolveSegmentation("0:1/3", "0,1/4,1")).toEqual({
      error: expect.stringContaining("executionSegment"),
    });
    expect(resolveSegmentation(undefined, "0,1/2,1/3,1")).toEqual({
      error: expect.stringContaining("executionSegmentSequence"),
    });
  });

  it("4 slices of a plan start exactly the iterations of the whole, none twice", () => {
    const seq = "0,1/4,1/2,3/4,1";
    const slices = ["0:1/4", "1/4:1/2", "1/2:3/4", "3/4:1"].map((s) => mapOf(s, seq));
    const clock = new ArrivalClock({ startPerMs: 0, stages: [{ durationMs: 20_000, targetPerMs: 0.2 }] });
    const whole: Array<{ i: number; t: number }> = [];
    for (let t = clock.next(); t !== null; t = clock.next()) whole.push({ i: clock.index - 1, t });
    const started = slices.map((m) => whole.filter((w) => m.owns(w.i)));
    const ids = started.flat().map((w) => w.i);
    expect(ids).toHaveLength(whole.length);
    expect(new Set(ids).size).toBe(whole.length);
    // Each slice gets its quarter, spread over the whole run rather than in a block.
    for (const s of started) {
      expect(Math.abs(s.length - whole.length / 4)).toBeLessThanOrEqual(1);
      expect(s[0]?.t).toBeLessThan(1000);
      expect(s.at(-1)?.t).toBeGreaterThan(19_000);
    }
  });

  it("uneven slices own their share of every cycle, interleaved", () => {
    const seq = "0,1/2,4/5,1";
    const maps = ["0:1/2", "1/2:4/5", "4/5:1"].map((s) => mapOf(s, seq));
    const owners = Array.from({ length: 10 }, (_, i) => maps.findIndex((m) => m.owns(i)));
    expect(owners.filter((o) => o === 0)).toHaveLength(5);
    expect(owners.filter((o) => o === 1)).toHaveLength(3);
    expect(owners.filter((o) => o === 2)).toHaveLength(2);
    expect(owners.slice(0, 5)).not.toEqual([0, 0, 0, 0, 0]);
    for (const m of maps)
      for (let r = 0; r < 50; r++) {
        const i = m.indexOfRank(r);
        expect(m.owns(i)).toBe(true);
        expect(m.countBelow(i)).toBe(r);
      }
  });

  it("worker threads split an instance's indices with no overlap and no gap", () => {
    const map = mapOf("1/4:3/4", "0,1/4,3/4,1");
    const workers = [0, 1, 2].map((w) => new WorkerSlice(map, w, 3));
    const instance = Array.from({ length: 400 }, (_, i) => i).filter((i) => map.owns(i));
    const dealt = workers.map((w) => instance.filter((i) => w.owns(i)));
    expect(dealt.flat().sort((a, b) => a - b)).toEqual(instance);
    for (const [k, w] of workers.entries()) {
      expect(w.indexOfRank(0)).toBe(dealt[k]?.[0]);
      expect(w.indexOfRank(5)).toBe(dealt[k]?.[5]);
      expect(w.countBelow(400)).toBe(dealt[k]?.length);
    }
  });
});
