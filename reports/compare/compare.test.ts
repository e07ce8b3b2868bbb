import { describe, expect, it } from "vitest";
import { sampleVerdict } from "../testing/sample-verdict.js";
import { compareVerdicts, defaultTolerances } from "./compare.js";

describe("compare two runs", () => {
  it("finds no regression between a run and itself", () => {
    const v = sampleVerdict();
    const c = compareVerdicts(v, v);
    expect(c.regressions).toEqual([]);
    expect(c.rows.some((r) => r.section === "steps")).toBe(true);
  });

  it("flags slower percentiles, slower recovery, failed criteria and lost dossiers", () => {
    const a = sampleVerdict();
    const b = sampleVerdict({ latencyMs: 60, slowMs: 12_000, dossiers: { lost: 2 } });
    const c = compareVerdicts(a, b);
    const items = c.regressions.map((r) => r.item);
    expect(items).toEqual(
      expect.arrayContaining([
        "browse p95 (ms)",
        "citizen-outage time to recover (ms)",
        "lost",
        "outcome",
        "dossiers-lost",
      ]),
    );
  });

  it("tolerances decide: a small slowdown inside them is only 'worse'", () => {
    const a = sampleVerdict({ latencyMs: 100 });
    const b = sampleVerdict({ latencyMs: 104 });
    const strict = compareVerdicts(a, b, { ...defaultTolerances, latencyPct: 1, latencySlackMs: 1 });
    const loose = compareVerdicts(a, b);
    expect(strict.regressions.some((r) => r.item === "browse p95 (ms)")).toBe(true);
    expect(loose.regressions).toEqual([]);
    expect(loose.rows.find((r) => r.item === "browse p95 (ms)")?.change).toBe("worse");
  });
});
