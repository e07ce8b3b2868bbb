import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { inputError } from "../../kernel/errors.js";
import { ExitCode, type ExitCodeValue, exitCodeForOutcome } from "../../kernel/exit-codes.js";
import { runFiles } from "../../kernel/run-files.js";
import { parseJsonFile } from "../../kernel/validate.js";
import { compareVerdicts, defaultTolerances, renderComparison } from "../../reports/compare/compare.js";
import { analyseRunDir } from "../../reports/run-dir/analyse.js";
import { type Verdict, VerdictFile } from "../../reports/verdict/schema.js";
import { criterionLine } from "../../reports/writers/criterion-line.js";
import { Lang } from "../../reports/writers/i18n.js";

export const parseLang = (value: unknown): Lang => {
  if (value === undefined) return "en";
  const parsed = Lang.safeParse(value);
  if (!parsed.success) throw inputError(`--lang: "${String(value)}" is not a report language (en, vi)`);
  return parsed.data;
};

/** `report RUN_DIR`: rebuilds verdict.json and every report from the run's saved data; exits with its outcome. */
export const reportCommand = async (
  positionals: readonly string[],
  lang: Lang,
  say: (line: string) => void,
): Promise<ExitCodeValue> => {
  if (positionals.length !== 1) throw inputError("report: give exactly one run directory, e.g. out/<run-id>");
  const runDir = resolve(positionals[0] as string);
  const { verdict, files, stats } = await analyseRunDir(runDir, { lang });
  say(
    `analysed ${stats.lines} lines (${(stats.bytes / 1e6).toFixed(1)} MB) of the engine's results in ${(stats.ms / 1000).toFixed(1)} s`,
  );
  for (const c of verdict.criteria) say(criterionLine(c));
  for (const r of verdict.inconclusiveReasons) say(`  INCONCLUSIVE  ${r}`);
  say(`outcome: ${verdict.outcome}`);
  for (const f of [files.verdict, files.reportHtml, files.reportMd, files.junit]) say(`wrote ${f}`);
  return exitCodeForOutcome(verdict.outcome);
};

const verdictOf = (path: string): Verdict => {
  const file = existsSync(path) && statSync(path).isDirectory() ? runFiles(path).verdict : path;
  if (!existsSync(file))
    throw inputError(`${file}: no verdict here (give a run directory or a verdict.json)`);
  return parseJsonFile(VerdictFile, file);
};

const number = (flag: string, value: unknown, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw inputError(`--${flag}: "${String(value)}" is not a number ≥ 0`);
  return n;
};

/** `compare RUN_A RUN_B`: what got better or worse; exit 1 on a regression beyond the tolerances. */
export const compareCommand = (
  positionals: readonly string[],
  flags: Record<string, unknown>,
  say: (line: string) => void,
): ExitCodeValue => {
  if (positionals.length !== 2)
    throw inputError("compare: give two run directories (or verdict.json files): A then B");
  const a = verdictOf(positionals[0] as string);
  const b = verdictOf(positionals[1] as string);
  const comparison = compareVerdicts(a, b, {
    latencyPct: number("latency-tolerance", flags["latency-tolerance"], defaultTolerances.latencyPct),
    latencySlackMs: number("latency-slack", flags["latency-slack"], defaultTolerances.latencySlackMs),
    errorRatePp: number("error-rate-tolerance", flags["error-rate-tolerance"], defaultTolerances.errorRatePp),
    durationSlackMs: number(
      "duration-tolerance",
      flags["duration-tolerance"],
      defaultTolerances.durationSlackMs,
    ),
  });
  say(flags.json ? JSON.stringify(comparison, null, 2) : renderComparison(comparison));
  return comparison.regressions.length > 0 ? ExitCode.failed : ExitCode.passed;
};
