import { z } from "zod";

/** A criterion's status in one run, as the selftest reads it; `absent`: the verdict does not list it. */
export const CellStatus = z.enum(["failed", "passed", "not-judged", "absent"]);
export type CellStatus = z.infer<typeof CellStatus>;

/** What one row of the matrix concluded. */
export const RowResult = z.enum(["caught", "missed", "clean", "false-alarm", "inconclusive"]);
export type RowResult = z.infer<typeof RowResult>;

export const SelftestRow = z.object({
  /** The mock variant the run was against. */
  variant: z.string(),
  /** 1-based count of this variant's row (healthy runs repeat with --repeat). */
  repeat: z.number().int().min(1),
  /** The run config, relative to the project root. */
  config: z.string(),
  /** Runs made for this row: 2 when the first was inconclusive and it was retried. */
  attempts: z.number().int().min(1),
  runDir: z.string().nullable(),
  outcome: z.enum(["passed", "failed", "inconclusive"]).nullable(),
  /** The criteria that must catch the variant (empty for the healthy mock). */
  expected: z.array(z.string()),
  /** Status of every column's criterion in this run. */
  cells: z.record(z.string(), CellStatus),
  /** Every criterion that failed in this run, columns or not. */
  failedCriteria: z.array(z.string()),
  result: RowResult,
  /** Why, in words (what caught it, what was missed, which criteria raised a false alarm). */
  detail: z.string(),
  durationS: z.number(),
});
export type SelftestRow = z.infer<typeof SelftestRow>;

/** `portal-harness selftest --json`: the detection matrix. */
export const SelftestMatrix = z.object({
  schemaVersion: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  quick: z.boolean(),
  /** The columns: every criterion some variant must be caught by. */
  criteria: z.array(z.string()),
  rows: z.array(SelftestRow),
  summary: z.object({
    caught: z.number().int(),
    missed: z.number().int(),
    healthyRuns: z.number().int(),
    falseAlarms: z.number().int(),
    inconclusive: z.number().int(),
  }),
  exitCode: z.number().int(),
});
export type SelftestMatrix = z.infer<typeof SelftestMatrix>;

/** A verdict's criterion as far as the selftest needs it: a status when the verdict has one, else passed. */
export interface CriterionLike {
  id: string;
  passed?: boolean | undefined;
  status?: string | undefined;
}

export const criterionStatus = (c: CriterionLike): Exclude<CellStatus, "absent"> => {
  if (c.status === "failed" || c.status === "passed") return c.status;
  if (c.status !== undefined) return "not-judged";
  return c.passed ? "passed" : "failed";
};

export interface RunReading {
  outcome: "passed" | "failed" | "inconclusive";
  criteria: readonly CriterionLike[];
}

/**
 * One run read against what it must show. A faulty variant is caught when one of its expected criteria
 * failed (not judged or absent is a miss); the healthy mock is clean when no criterion failed at all. An
 * inconclusive run concludes nothing, unless a variant's criterion failed anyway (failed beats inconclusive).
 */
export const judgeRow = (
  columns: readonly string[],
  expected: readonly string[],
  run: RunReading,
): Pick<SelftestRow, "cells" | "failedCriteria" | "result" | "detail"> => {
  const byId = new Map(run.criteria.map((c) => [c.id, criterionStatus(c)]));
  const status = (id: string): CellStatus => byId.get(id) ?? "absent";
  const cells = Object.fromEntries(columns.map((id) => [id, status(id)]));
  const failedCriteria = run.criteria.filter((c) => criterionStatus(c) === "failed").map((c) => c.id);
  const others = failedCriteria.filter((id) => !expected.includes(id));
  const alsoFailed = others.length > 0 ? `; also failed: ${others.join(", ")}` : "";
  if (expected.length === 0) {
    if (run.outcome === "inconclusive")
      return { cells, failedCriteria, result: "inconclusive", detail: "the run was inconclusive" };
    return failedCriteria.length === 0
      ? { cells, failedCriteria, result: "clean", detail: "no criterion failed" }
      : { cells, failedCriteria, result: "false-alarm", detail: `failed: ${failedCriteria.join(", ")}` };
  }
  const caughtBy = expected.filter((id) => status(id) === "failed");
  if (caughtBy.length > 0)
    return {
      cells,
      failedCriteria,
      result: "caught",
      detail: `caught by ${caughtBy.join(", ")}${alsoFailed}`,
    };
  if (run.outcome === "inconclusive")
    return { cells, failedCriteria, result: "inconclusive", detail: `the run was inconclusive${alsoFailed}` };
  const seen = expected.map((id) => `${id} ${status(id)}`).join(", ");
  return { cells, failedCriteria, result: "missed", detail: `missed: ${seen}${alsoFailed}` };
};

/** The selftest's exit code: a miss or false alarm fails it (1); otherwise an inconclusive row makes it 4. */
export const selftestExitCode = (rows: readonly Pick<SelftestRow, "result">[]): 0 | 1 | 4 => {
  if (rows.some((r) => r.result === "missed" || r.result === "false-alarm")) return 1;
  if (rows.some((r) => r.result === "inconclusive")) return 4;
  return 0;
};

export const summarise = (rows: readonly SelftestRow[]): SelftestMatrix["summary"] => {
  const count = (result: RowResult) => rows.filter((r) => r.result === result).length;
  return {
    caught: count("caught"),
    missed: count("missed"),
    healthyRuns: rows.filter((r) => r.expected.length === 0).length,
    falseAlarms: count("false-alarm"),
    inconclusive: count("inconclusive"),
  };
};

const mark: Record<CellStatus, string> = { failed: "fail", passed: "pass", "not-judged": "n/j", absent: "—" };

/**
 * A cell as printed: CAUGHT where a criterion named for the row failed, MISS where the row was not caught, the
 * plain status elsewhere (an alternative that did not fire in a row another criterion caught is no miss).
 */
const cellText = (row: SelftestRow, id: string): string => {
  const s = row.cells[id] ?? "absent";
  if (!row.expected.includes(id) || (row.result === "caught" && s !== "failed")) return mark[s];
  return s === "failed" ? "CAUGHT" : `MISS:${mark[s]}`;
};

/** The matrix for a terminal: numbered criterion columns with a legend, one row per run, the result last. */
export const renderMatrix = (m: SelftestMatrix): string[] => {
  const label = (r: SelftestRow) => (r.expected.length === 0 ? `${r.variant} #${r.repeat}` : r.variant);
  const width = Math.max(8, ...m.rows.map((r) => label(r).length));
  const colW = 8;
  const head = ["variant".padEnd(width), ...m.criteria.map((_, i) => `[${i + 1}]`.padEnd(colW)), "result"];
  const lines = [
    "Detection matrix (a faulty variant is caught when a criterion named for it fails; the healthy mock must fail none):",
    ...m.criteria.map((id, i) => `  [${i + 1}] ${id}`),
    "",
    head.join(" "),
  ];
  for (const r of m.rows)
    lines.push(
      [
        label(r).padEnd(width),
        ...m.criteria.map((id) => cellText(r, id).padEnd(colW)),
        `${r.result.toUpperCase()}: ${r.detail}`,
      ].join(" "),
    );
  const s = m.summary;
  lines.push(
    "",
    `caught ${s.caught}, missed ${s.missed}, false alarms ${s.falseAlarms} in ${s.healthyRuns} healthy run(s), inconclusive ${s.inconclusive}: exit ${m.exitCode}`,
  );
  return lines;
};
