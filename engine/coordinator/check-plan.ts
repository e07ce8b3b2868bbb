import { inputError } from "../../kernel/errors.js";
import type { EngineConfig } from "../config.js";
import { builtinByName } from "../metrics/builtin.js";
import { aggregationsFor } from "../metrics/thresholds.js";
import type { ResolvedOptions } from "../options/resolve.js";
import { planCapProblems } from "./caps.js";

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
    ...planCapProblems(o, caps, script),
  ];
  if (problems.length > 0) throw inputError(...problems);
};
