import { inputError, isHarnessError } from "../../kernel/errors.js";
import { ExitCode } from "../../kernel/exit-codes.js";
import {
  catchingCriteria,
  configPath,
  exposingRuns,
  faultyVariants,
  healthyConfig,
} from "../config/exposing-runs.js";
import { loadRunConfig } from "../config/load.js";
import { executeRun } from "../run/orchestrate.js";
import { buildRunPlan } from "../run/plan.js";
import {
  judgeRow,
  renderMatrix,
  type SelftestMatrix,
  type SelftestRow,
  selftestExitCode,
  summarise,
} from "../selftest/matrix.js";

export interface SelftestOptions {
  /** Where the run directories go. */
  out: string;
  /** Healthy runs to make (each counted for false alarms). */
  repeat: number;
  /** Only the healthy mock and the variants marked quick. */
  quick: boolean;
  /** Progress lines (run by run). */
  say: (line: string) => void;
  signal: AbortSignal;
}

/** One row to run: a variant, its run config, and the criteria that must catch it (none for healthy). */
interface Entry {
  variant: string;
  repeat: number;
  config: string;
  expected: readonly string[];
}

export const selftestEntries = (o: Pick<SelftestOptions, "repeat" | "quick">): Entry[] => [
  ...Array.from({ length: o.repeat }, (_, i) => ({
    variant: "healthy",
    repeat: i + 1,
    config: healthyConfig,
    expected: [],
  })),
  ...faultyVariants
    .filter((v) => !o.quick || exposingRuns[v].quick)
    .map((v) => ({
      variant: v,
      repeat: 1,
      config: exposingRuns[v].config,
      expected: exposingRuns[v].catchers,
    })),
];

const interrupted = () => new Error("interrupted");

/**
 * One row: a real run through the same code path as `run` (config file, plan, executeRun), read against what
 * it must show; an inconclusive run is made once more.
 */
const runEntry = async (entry: Entry, columns: string[], o: SelftestOptions): Promise<SelftestRow> => {
  const started = performance.now();
  const tag = entry.expected.length === 0 ? `${entry.variant} #${entry.repeat}` : entry.variant;
  let row: SelftestRow | null = null;
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (o.signal.aborted) throw interrupted();
    o.say(`[${tag}] ${attempt === 1 ? "" : "retry, the first run was inconclusive: "}${entry.config}`);
    const plan = buildRunPlan(loadRunConfig({ config: configPath(entry.config), variant: entry.variant }));
    const result = await executeRun(plan, {
      outRoot: o.out,
      say: (line) => o.say(`[${tag}] ${line}`),
      signal: o.signal,
    });
    if (o.signal.aborted) throw interrupted();
    const reading = result.verdict ?? { outcome: "inconclusive" as const, criteria: [] };
    const judged = judgeRow(columns, entry.expected, reading);
    row = {
      variant: entry.variant,
      repeat: entry.repeat,
      config: entry.config,
      attempts: attempt,
      runDir: result.runDir,
      outcome: result.verdict?.outcome ?? null,
      expected: [...entry.expected],
      ...judged,
      durationS: Math.round((performance.now() - started) / 100) / 10,
    };
    o.say(`[${tag}] ${row.result}: ${row.detail}`);
    if (row.result !== "inconclusive") break;
  }
  if (!row) throw new Error("selftest: no run was made");
  return row;
};

/** Every row, one run at a time (they share the machine), into the detection matrix. */
export const runSelftest = async (o: SelftestOptions): Promise<SelftestMatrix> => {
  const startedAt = new Date().toISOString();
  const columns = catchingCriteria();
  const rows: SelftestRow[] = [];
  for (const entry of selftestEntries(o)) rows.push(await runEntry(entry, columns, o));
  return {
    schemaVersion: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: o.quick,
    criteria: columns,
    rows,
    summary: summarise(rows),
    exitCode: selftestExitCode(rows),
  };
};

export const parseRepeat = (text: string | undefined): number => {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 50)
    throw inputError(`--repeat: "${text}" is not a whole number 1-50`);
  return n;
};

/**
 * `portal-harness selftest [--quick] [--repeat N] [--json] [--out DIR]`. Ctrl-C (or SIGTERM, SIGHUP) stops
 * the run in progress, which stops everything it started, and exits 130.
 */
export const selftestCommand = async (
  o: { out: string; repeat: string | undefined; quick: boolean; json: boolean },
  say: (line: string) => void,
): Promise<number> => {
  const repeat = parseRepeat(o.repeat);
  const controller = new AbortController();
  const onSignal = () => {
    if (!controller.signal.aborted) say("interrupted: stopping the run in progress; please wait");
    controller.abort();
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const s of signals) process.on(s, onSignal);
  // With --json, stdout holds the matrix alone; progress goes to stderr.
  const progress = o.json ? (line: string) => process.stderr.write(`${line}\n`) : say;
  try {
    const matrix = await runSelftest({
      out: o.out,
      repeat,
      quick: o.quick,
      say: progress,
      signal: controller.signal,
    });
    if (o.json) say(JSON.stringify(matrix, null, 2));
    else for (const line of ["", ...renderMatrix(matrix)]) say(line);
    return matrix.exitCode;
  } catch (e) {
    if (controller.signal.aborted || (isHarnessError(e) && e.exitCode === ExitCode.interrupted))
      return ExitCode.interrupted;
    throw e;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
};
