import { inputError } from "../../kernel/errors.js";
import type { EngineConfig } from "../config.js";
import { builtinByName } from "../metrics/builtin.js";
import { aggregationsFor } from "../metrics/thresholds.js";
import { type ResolvedOptions, scheduleEndMs } from "../options/resolve.js";

type MetricType = keyof typeof aggregationsFor;

const execProblems = (o: ResolvedOptions, functions: readonly string[], script: string): string[] =>
  o.scenarios
    .filter((s) => !functions.includes(s.exec))
    .map(
      (s) => `${script}: options.scenarios.${s.name}.exec: "${s.exec}" is not a function the script exports`,
    );

const thresholdProblems = (
  o: ResolvedOptions,
  script: string,
  metrics: ReadonlyMap<string, string>,
): string[] => {
  const problems: string[] = [];
  for (const t of o.thresholds) {
    const type = (builtinByName.get(t.key.metric)?.type ?? metrics.get(t.key.metric)) as
      | MetricType
      | undefined;
    if (!type) {
      problems.push(
        `${script}: options.thresholds["${t.key.source}"]: no metric named ${t.key.metric} exists`,
      );
      continue;
    }
    for (const e of t.exprs)
      if (!aggregationsFor[type].includes(e.expr.aggregation.kind))
        problems.push(
          `${script}: options.thresholds["${t.key.source}"]: "${e.expr.source}" does not apply to a ${type} (use ${aggregationsFor[type].join(", ")})`,
        );
  }
  return problems;
};

const capProblems = (o: ResolvedOptions, caps: EngineConfig["caps"]): string[] => {
  const problems: string[] = [];
  const vus = o.scenarios.reduce((a, s) => a + s.maxVUs, 0);
  if (caps.maxVUs !== null && vus > caps.maxVUs)
    problems.push(`the plan holds up to ${vus} VUs, over the cap of ${caps.maxVUs}`);
  const endS = scheduleEndMs(o) / 1000;
  if (caps.maxDurationS !== null && endS > caps.maxDurationS)
    problems.push(
      `the plan lasts up to ${endS} s with graceful stops, over the cap of ${caps.maxDurationS} s`,
    );
  if (caps.maxRatePerS !== null) {
    const peak = o.scenarios.reduce((a, s) => {
      if (s.executor !== "constant-arrival-rate" && s.executor !== "ramping-arrival-rate") return a;
      return a + Math.max(s.curve.startPerMs, ...s.curve.stages.map((st) => st.targetPerMs)) * 1000;
    }, 0);
    if (peak > caps.maxRatePerS)
      problems.push(`the plan starts up to ${peak} iterations/s, over the cap of ${caps.maxRatePerS}`);
  }
  return problems;
};

/**
 * Everything wrong with a resolved plan before a worker starts: scenarios whose exec the script does not
 * export, thresholds on metrics that do not exist or with aggregations their type lacks, and plans over the
 * caps. All problems at once (exit 2), each naming the script and the option.
 */
export const checkPlan = (
  o: ResolvedOptions,
  functions: readonly string[],
  script: string,
  metrics: ReadonlyMap<string, string>,
  caps: EngineConfig["caps"],
): void => {
  const problems = [
    ...execProblems(o, functions, script),
    ...thresholdProblems(o, script, metrics),
    ...capProblems(o, caps),
  ];
  if (problems.length > 0) throw inputError(...problems);
};
