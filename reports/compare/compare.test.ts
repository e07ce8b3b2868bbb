import { describe, expect, it } from "vitest";
import { sampleVerdict } from "../testing/sample-verdict.js";
import { VerdictFile, verdictSchemaVersion } from "../verdict/schema.js";
import { type Change, compareVerdicts, criterionChange, defaultTolerances } from "./compare.js";

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

  type Status = "passed" | "failed" | "not-judged" | null;
  it.each<[Status, Status, Change]>([
    ["passed", "failed", "regression"],
    ["not-judged", "failed", "regression"],
    [null, "failed", "regression"],
    ["failed", "passed", "better"],
    ["not-judged", "passed", "better"],
    ["passed", "not-judged", "worse"],
    ["failed", "not-judged", "worse"],
    ["not-judged", "not-judged", "same"],
    [null, "not-judged", "new"],
    ["passed", null, "gone"],
  ])("a criterion from %s to %s: %s", (a, b, expected) => {
    expect(criterionChange(a, b)).toBe(expected);
  });

  it("shows a criterion that became not judged, with B's reason", () => {
    const a = sampleVerdict();
    const b = sampleVerdict({ dossiers: { keyRetriesReachedPortal: 0 } });
    const row = compareVerdicts(a, b).rows.find((r) => r.item === "dossiers-duplicated");
    expect(row).toMatchObject({ a: "pass", b: "not judged", change: "worse" });
    expect(row?.note).toMatch(/B not judged: not exercised in this run: no retry reusing an idempotency key/);
  });

  it("reads a verdict of schemaVersion 2 (no status): its criteria passed or failed as they said", () => {
    const current = sampleVerdict({ dossiers: { lost: 1 } });
    const judged = current.criteria.filter((c) => c.status !== "not-judged");
    const old = {
      ...current,
      schemaVersion: 2,
      criteria: judged.map(({ status: _status, ...c }) => c),
    };
    const read = VerdictFile.parse(JSON.parse(JSON.stringify(old)));
    expect(read.schemaVersion).toBe(verdictSchemaVersion);
    expect(read.criteria.map((c) => [c.id, c.status])).toEqual(judged.map((c) => [c.id, c.status]));
    expect(read.criteria.find((c) => c.id === "dossiers-lost")?.status).toBe("failed");
    expect(() => VerdictFile.parse({ ...old, schemaVersion: 1 })).toThrow();
  });
});
