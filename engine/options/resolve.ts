import type { z } from "zod";
import { inputError } from "../../kernel/errors.js";
import { formatPath } from "../../kernel/validate.js";
import { validTrendStat } from "../metrics/sinks.js";
import {
  type MetricKey,
  parseMetricKey,
  parseThresholdExpr,
  type ThresholdExpr,
} from "../metrics/thresholds.js";
import type { RateCurve } from "../schedule/arrival-rate.js";
import { resolveSegmentation, type Segmentation } from "../schedule/segments.js";
import { parseDuration } from "./duration.js";
import { Options, type Scenario, unsupportedOptions } from "./schema.js";

/**
 * Options as the engine runs them: the script's `options` with the command line's overrides, validated, k6's
 * defaults filled in, every duration in milliseconds and the shortcuts (`vus`, `duration`, `iterations`,
 * `stages`) turned into the scenario k6 would make of them (named `default`).
 */
interface ScenarioBase {
  name: string;
  exec: string;
  startTimeMs: number;
  gracefulStopMs: number;
  env: Record<string, string>;
  tags: Record<string, string>;
  /** VUs this scenario may ever hold (its slice of the test's VU ids). */
  maxVUs: number;
}

export type ResolvedScenario = ScenarioBase &
  (
    | {
        executor: "constant-arrival-rate" | "ramping-arrival-rate";
        curve: RateCurve;
        timeUnitMs: number;
        durationMs: number;
        preAllocatedVUs: number;
      }
    | { executor: "constant-vus"; vus: number; durationMs: number }
    | {
        executor: "ramping-vus";
        startVUs: number;
        stages: Array<{ durationMs: number; target: number }>;
        gracefulRampDownMs: number;
        durationMs: number;
      }
    | {
        executor: "per-vu-iterations" | "shared-iterations";
        vus: number;
        iterations: number;
        durationMs: number;
      }
  );

export interface ResolvedThreshold {
  key: MetricKey;
  exprs: Array<{ expr: ThresholdExpr; abortOnFail: boolean; delayAbortEvalMs: number }>;
}

export interface ResolvedOptions {
  scenarios: ResolvedScenario[];
  thresholds: ResolvedThreshold[];
  summaryTrendStats: string[];
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  noConnectionReuse: boolean;
  noVUConnectionReuse: boolean;
  tags: Record<string, string>;
  segmentation: Segmentation;
  idleTimeoutMs: number;
  discardResponseBodies: boolean;
  maxRedirects: number;
  userAgent: string;
}

/** Command-line overrides, as `k6 run` takes them. */
export interface OptionOverrides {
  vus?: number | undefined;
  duration?: string | undefined;
  iterations?: number | undefined;
  executionSegment?: string | undefined;
  executionSegmentSequence?: string | undefined;
}

export const defaultTrendStats = ["avg", "min", "med", "max", "p(90)", "p(95)"];
export const defaultUserAgent = "portal-harness-engine/1 (k6 API)";
const ms = (v: string | number | undefined, fallback: number): number =>
  v === undefined ? fallback : (parseDuration(v) ?? fallback);

const describeIssues = (source: string, error: z.ZodError): string[] =>
  error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys
        .map((k) => {
          const path = formatPath(["options", ...issue.path, k]);
          const hint = issue.path.length === 0 ? unsupportedOptions[k] : undefined;
          return hint !== undefined
            ? `${source}: ${path}: k6 option "${k}" is not supported by this engine (${hint})`
            : `${source}: ${path}: unknown option "${k}"`;
        })
        .join("\n");
    }
    return `${source}: ${formatPath(["options", ...issue.path])}: ${issue.message}`;
  });

const shortcutScenario = (o: Options): Scenario | null => {
  if (o.stages && o.stages.length > 0)
    return { executor: "ramping-vus", startVUs: o.vus ?? 1, stages: o.stages };
  if (o.iterations !== undefined)
    return {
      executor: "shared-iterations",
      vus: o.vus ?? 1,
      iterations: o.iterations,
      ...(o.duration !== undefined ? { maxDuration: o.duration } : {}),
    };
  if (o.duration !== undefined && parseDuration(o.duration) !== 0)
    return { executor: "constant-vus", vus: o.vus ?? 1, duration: o.duration };
  return null;
};

const resolveScenario = (name: string, s: Scenario): ResolvedScenario => {
  const base = {
    name,
    exec: s.exec ?? "default",
    startTimeMs: ms(s.startTime, 0),
    gracefulStopMs: ms(s.gracefulStop, 30_000),
    env: s.env ?? {},
    tags: s.tags ?? {},
  };
  switch (s.executor) {
    case "constant-arrival-rate": {
      const unit = ms(s.timeUnit, 1000);
      const perMs = s.rate / unit;
      const durationMs = ms(s.duration, 0);
      return {
        ...base,
        executor: s.executor,
        curve: { startPerMs: perMs, stages: [{ durationMs, targetPerMs: perMs }] },
        timeUnitMs: unit,
        durationMs,
        preAllocatedVUs: s.preAllocatedVUs,
        maxVUs: Math.max(s.preAllocatedVUs, s.maxVUs ?? s.preAllocatedVUs),
      };
    }
    case "ramping-arrival-rate": {
      const unit = ms(s.timeUnit, 1000);
      const stages = s.stages.map((st) => ({
        durationMs: ms(st.duration, 0),
        targetPerMs: st.target / unit,
      }));
      return {
        ...base,
        executor: s.executor,
        curve: { startPerMs: (s.startRate ?? 0) / unit, stages },
        timeUnitMs: unit,
        durationMs: stages.reduce((a, st) => a + st.durationMs, 0),
        preAllocatedVUs: s.preAllocatedVUs,
        maxVUs: Math.max(s.preAllocatedVUs, s.maxVUs ?? s.preAllocatedVUs),
      };
    }
    case "constant-vus":
      return {
        ...base,
        executor: s.executor,
        vus: s.vus ?? 1,
        durationMs: ms(s.duration, 0),
        maxVUs: s.vus ?? 1,
      };
    case "ramping-vus": {
      const stages = s.stages.map((st) => ({ durationMs: ms(st.duration, 0), target: st.target }));
      const startVUs = s.startVUs ?? 1;
      return {
        ...base,
        executor: s.executor,
        startVUs,
        stages,
        gracefulRampDownMs: ms(s.gracefulRampDown, 30_000),
        durationMs: stages.reduce((a, st) => a + st.durationMs, 0),
        maxVUs: Math.max(startVUs, ...stages.map((st) => st.target)),
      };
    }
    case "per-vu-iterations":
    case "shared-iterations":
      return {
        ...base,
        executor: s.executor,
        vus: s.vus ?? 1,
        iterations: s.iterations ?? 1,
        durationMs: ms(s.maxDuration, 600_000),
        maxVUs: s.vus ?? 1,
      };
  }
};

/** Validates and resolves; every problem is listed as `source: options.path: message` (exit 2). */
export const resolveOptions = (
  raw: unknown,
  source: string,
  overrides: OptionOverrides = {},
): ResolvedOptions => {
  const parsed = Options.safeParse(raw ?? {});
  if (!parsed.success)
    throw inputError(...describeIssues(source, parsed.error).flatMap((l) => l.split("\n")));
  const o = parsed.data;
  const problems: string[] = [];
  const cliShortcut =
    overrides.vus !== undefined || overrides.duration !== undefined || overrides.iterations !== undefined;
  if (overrides.duration !== undefined && parseDuration(overrides.duration) === null)
    problems.push(`--duration: "${overrides.duration}" is not a duration like "30s" or "1m30s"`);
  let scenarios: Record<string, Scenario>;
  if (cliShortcut) {
    // As with `k6 run`: shortcut flags replace the script's scenarios with one default scenario.
    const merged: Options = {
      ...o,
      scenarios: undefined,
      stages: undefined,
      ...(overrides.vus !== undefined ? { vus: overrides.vus } : {}),
      ...(overrides.duration !== undefined ? { duration: overrides.duration } : {}),
      ...(overrides.iterations !== undefined ? { iterations: overrides.iterations } : {}),
    };
    const s = shortcutScenario(merged);
    scenarios = { default: s ?? { executor: "shared-iterations", vus: merged.vus ?? 1, iterations: 1 } };
  } else if (o.scenarios && Object.keys(o.scenarios).length > 0) {
    if (
      o.vus !== undefined ||
      o.duration !== undefined ||
      o.iterations !== undefined ||
      o.stages !== undefined
    )
      problems.push(
        `${source}: options: set either scenarios or the shortcuts vus/duration/iterations/stages, not both`,
      );
    scenarios = o.scenarios;
  } else {
    const s = shortcutScenario(o);
    scenarios = { default: s ?? { executor: "shared-iterations", vus: o.vus ?? 1, iterations: 1 } };
  }
  const resolvedScenarios = Object.entries(scenarios).map(([name, s]) => resolveScenario(name, s));

  const thresholds: ResolvedThreshold[] = [];
  for (const [keyText, entries] of Object.entries(o.thresholds ?? {})) {
    const key = parseMetricKey(keyText);
    if (typeof key === "string") {
      problems.push(`${source}: options.thresholds: ${key}`);
      continue;
    }
    const exprs: ResolvedThreshold["exprs"] = [];
    for (const [i, entry] of entries.entries()) {
      const text = typeof entry === "string" ? entry : entry.threshold;
      const expr = parseThresholdExpr(text);
      if (typeof expr === "string") {
        problems.push(`${source}: options.thresholds["${keyText}"][${i}]: ${expr}`);
        continue;
      }
      exprs.push({
        expr,
        abortOnFail: typeof entry === "string" ? false : (entry.abortOnFail ?? false),
        delayAbortEvalMs: typeof entry === "string" ? 0 : ms(entry.delayAbortEval, 0),
      });
    }
    thresholds.push({ key, exprs });
  }

  const summaryTrendStats = o.summaryTrendStats ?? defaultTrendStats;
  for (const [i, s] of summaryTrendStats.entries())
    if (!validTrendStat(s))
      problems.push(
        `${source}: options.summaryTrendStats[${i}]: "${s}" is not avg, min, med, max, count or p(N)`,
      );

  const segmentation = resolveSegmentation(
    overrides.executionSegment ?? o.executionSegment,
    overrides.executionSegmentSequence ?? o.executionSegmentSequence,
  );
  if ("error" in segmentation) problems.push(`${source}: options.${segmentation.error}`);
  const setupTimeoutMs = ms(o.setupTimeout, 60_000);
  if (setupTimeoutMs <= 0) problems.push(`${source}: options.setupTimeout: must be longer than 0`);
  if (problems.length > 0) throw inputError(...problems);
  return {
    scenarios: resolvedScenarios,
    thresholds,
    summaryTrendStats,
    setupTimeoutMs,
    teardownTimeoutMs: ms(o.teardownTimeout, 60_000),
    noConnectionReuse: o.noConnectionReuse ?? false,
    noVUConnectionReuse: o.noVUConnectionReuse ?? false,
    tags: o.tags ?? {},
    segmentation: segmentation as Segmentation,
    idleTimeoutMs: ms(o.idleTimeout, 2000),
    discardResponseBodies: o.discardResponseBodies ?? false,
    maxRedirects: o.maxRedirects ?? 10,
    userAgent: o.userAgent ?? defaultUserAgent,
  };
};

/** How long the whole schedule may last, graceful stops included (for caps and progress). */
export const scheduleEndMs = (o: ResolvedOptions): number =>
  Math.max(0, ...o.scenarios.map((s) => s.startTimeMs + s.durationMs + s.gracefulStopMs));

/** When the last scenario's schedule ends, not counting graceful stops (the planned test duration). */
export const plannedEndMs = (o: ResolvedOptions): number =>
  Math.max(0, ...o.scenarios.map((s) => s.startTimeMs + s.durationMs));
