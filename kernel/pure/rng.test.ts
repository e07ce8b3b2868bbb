import { describe, expect, it } from "vitest";
import { createRng, hashSeed } from "./rng.js";

describe("seeded generator", () => {
  it("repeats exactly for the same seed and differs for another", () => {
    const a = Array.from({ length: 5 }, createRng(42).next);
    const b = Array.from({ length: 5 }, createRng(42).next);
    const c = Array.from({ length: 5 }, createRng(43).next);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("stays in [0, 1) and picks by weight", () => {
    const rng = createRng(hashSeed("run", 1));
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      counts[rng.weighted({ a: 0.8, b: 0.2 })]++;
    }
    expect(counts.a / 10_000).toBeGreaterThan(0.77);
    expect(counts.a / 10_000).toBeLessThan(0.83);
  });
});
