import { describe, expect, it } from "vitest";
import {
  type CriterionLike,
  criterionStatus,
  judgeRow,
  type RunReading,
  renderMatrix,
  SelftestMatrix,
  type SelftestRow,
  selftestExitCode,
  summarise,
} from "./matrix.js";

const columns = ["failover", "dossiers-lost"];
const c = (id: string, status: "passed" | "failed" | "not-judged"): CriterionLike => ({
  id,
  status,
  passed: status === "passed",
});
const run = (outcome: RunReading["outcome"], ...criteria: CriterionLike[]): RunReading => ({
  outcome,
  criteria,
});

describe("criterionStatus", () => {
  it.each([
    [{ id: "a", status: "failed", passed: false }, "failed"],
    [{ id: "a", status: "passed", passed: true }, "passed"],
    [{ id: "a", status: "not-judged", passed: false }, "not-judged"],
    // A verdict without statuses: passed decides.
    [{ id: "a", passed: false }, "failed"],
    [{ id: "a", passed: true }, "passed"],
  ] as const)("%o is %s", (criterion, expected) => {
    expect(criterionStatus(criterion)).toBe(expected);
  });
});

describe("judgeRow", () => {
  it.each([
    {
      name: "a variant whose criterion failed is caught",
      expected: ["failover"],
      reading: run("failed", c("failover", "failed"), c("dossiers-lost", "passed")),
      result: "caught",
      detail: "caught by failover",
    },
    {
      name: "either of two named criteria catches it, and other failures are listed",
      expected: ["national-sync-missing", "dossiers-lost"],
      reading: run("failed", c("dossiers-lost", "failed"), c("steady-p95", "failed")),
      result: "caught",
      detail: "caught by dossiers-lost; also failed: steady-p95",
    },
    {
      name: "a criterion that passed is a miss",
      expected: ["failover"],
      reading: run("passed", c("failover", "passed")),
      result: "missed",
      detail: "missed: failover passed",
    },
    {
      name: "a criterion that was not judged is a miss",
      expected: ["failover"],
      reading: run("passed", c("failover", "not-judged")),
      result: "missed",
      detail: "missed: failover not-judged",
    },
    {
      name: "a criterion the verdict does not hold is a miss, even when others failed",
      expected: ["identity-isolation"],
      reading: run("failed", c("steady-p95", "failed")),
      result: "missed",
      detail: "missed: identity-isolation absent; also failed: steady-p95",
    },
    {
      name: "an inconclusive run that did not show the defect concludes nothing",
      expected: ["failover"],
      reading: run("inconclusive", c("failover", "passed")),
      result: "inconclusive",
      detail: "the run was inconclusive",
    },
    {
      name: "the healthy mock with no failed criterion is clean",
      expected: [],
      reading: run("passed", c("failover", "passed"), c("dossiers-lost", "not-judged")),
      result: "clean",
      detail: "no criterion failed",
    },
    {
      name: "the healthy mock with any failed criterion is a false alarm, column or not",
      expected: [],
      reading: run("failed", c("failover", "passed"), c("steady-p95", "failed")),
      result: "false-alarm",
      detail: "failed: steady-p95",
    },
    {
      name: "an inconclusive healthy run is neither clean nor a false alarm",
      expected: [],
      reading: run("inconclusive", c("steady-p95", "failed")),
      result: "inconclusive",
      detail: "the run was inconclusive",
    },
  ])("$name", ({ expected, reading, result, detail }) => {
    const row = judgeRow(columns, expected, reading);
    expect(row.result).toBe(result);
    expect(row.detail).toBe(detail);
  });

  it("fills one cell per column, absent when the verdict does not hold it", () => {
    const row = judgeRow(columns, ["failover"], run("failed", c("failover", "failed"), c("x", "failed")));
    expect(row.cells).toEqual({ failover: "failed", "dossiers-lost": "absent" });
    expect(row.failedCriteria).toEqual(["failover", "x"]);
  });
});

const row = (variant: string, result: SelftestRow["result"], expected: string[] = []): SelftestRow => ({
  variant,
  repeat: 1,
  config: `examples/${variant}.json`,
  attempts: 1,
  runDir: null,
  outcome: result === "inconclusive" ? "inconclusive" : "failed",
  expected,
  cells: { failover: result === "caught" ? "failed" : "passed", "dossiers-lost": "passed" },
  failedCriteria: [],
  result,
  detail: result,
  durationS: 1,
});

describe("selftestExitCode", () => {
  it.each([
    [["clean", "caught"], 0],
    [["clean", "caught", "inconclusive"], 4],
    [["clean", "missed", "inconclusive"], 1],
    [["false-alarm", "caught"], 1],
    [[], 0],
  ] as const)("%o exits %i", (results, code) => {
    expect(selftestExitCode(results.map((r) => ({ result: r })))).toBe(code);
  });
});

const matrixOf = (rows: SelftestRow[]) =>
  SelftestMatrix.parse({
    schemaVersion: 1,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:01:00.000Z",
    quick: false,
    criteria: columns,
    rows,
    summary: summarise(rows),
    exitCode: selftestExitCode(rows),
  });

describe("renderMatrix", () => {
  it("prints a legend, CAUGHT and MISS where a row expects the criterion, and the summary", () => {
    const rows = [
      row("healthy", "clean"),
      row("no-failover", "caught", ["failover"]),
      row("x", "missed", ["failover"]),
    ];
    const matrix = matrixOf(rows);
    const text = renderMatrix(matrix).join("\n");
    expect(text).toContain("[1] failover");
    expect(text).toMatch(/healthy #1\s+pass\s+pass\s+CLEAN/);
    expect(text).toMatch(/no-failover\s+CAUGHT\s+pass\s+CAUGHT/);
    expect(text).toMatch(/x\s+MISS:pass\s+pass\s+MISSED/);
    expect(text).toContain("caught 1, missed 1, false alarms 0 in 1 healthy run(s), inconclusive 0: exit 1");
  });

  it("marks an alternative criterion that did not fire as no miss when another one caught the row", () => {
    const caught = row("v", "caught", ["failover", "dossiers-lost"]);
    const matrix = matrixOf([caught]);
    expect(renderMatrix(matrix).join("\n")).toMatch(/v\s+CAUGHT\s+pass\s+CAUGHT/);
  });
});
