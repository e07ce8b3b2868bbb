import type { MetricType } from "./builtin.js";

/**
 * Thresholds in k6's syntax: a metric (or sub-metric `name{tag:value,tag2:value}`) and expressions such as
 * `p(95)<500`, `avg <= 200`, `rate<0.01`, `count>=100`, `value==3`. Pure parsing and evaluation.
 */
export type Operator = "<" | "<=" | ">" | ">=" | "==" | "===" | "!=";
export type Aggregation =
  | { kind: "avg" | "min" | "max" | "med" | "count" | "rate" | "value" }
  | { kind: "p"; p: number };

export interface ThresholdExpr {
  source: string;
  aggregation: Aggregation;
  operator: Operator;
  value: number;
}

export interface MetricKey {
  source: string;
  metric: string;
  /** Tag filters of a sub-metric (all must match); empty for the metric itself. */
  tags: Array<[string, string]>;
}

const exprPattern =
  /^\s*(avg|min|max|med|count|rate|value|p\(\s*([0-9]*\.?[0-9]+)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?[0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*$/i;

export const parseThresholdExpr = (source: string): ThresholdExpr | string => {
  const m = exprPattern.exec(source);
  if (!m) return `"${source}" is not a threshold like "p(95)<500", "rate<0.01" or "count>=10"`;
  const name = (m[1] as string).toLowerCase();
  let aggregation: Aggregation;
  if (name.startsWith("p(")) {
    const p = Number(m[2]);
    if (!(p >= 0 && p <= 100)) return `"${source}": the percentile must be between 0 and 100`;
    aggregation = { kind: "p", p };
  } else aggregation = { kind: name as Exclude<Aggregation["kind"], "p"> };
  return { source, aggregation, operator: m[3] as Operator, value: Number(m[4]) };
};

export const parseMetricKey = (source: string): MetricKey | string => {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\{(.*)\})?\s*$/.exec(source);
  if (!m) return `"${source}" is not a metric name or a sub-metric like "http_req_duration{status:200}"`;
  const tags: Array<[string, string]> = [];
  if (m[2] !== undefined) {
    for (const part of m[2].split(",")) {
      const colon = part.indexOf(":");
      if (colon <= 0) return `"${source}": "${part.trim()}" is not a tag filter like "status:200"`;
      tags.push([part.slice(0, colon).trim(), part.slice(colon + 1).trim()]);
    }
  }
  return { source, metric: m[1] as string, tags };
};

/** Which aggregations each metric type offers (k6's table). */
export const aggregationsFor: Readonly<Record<MetricType, ReadonlyArray<Aggregation["kind"]>>> = {
  counter: ["count", "rate"],
  gauge: ["value"],
  rate: ["rate"],
  trend: ["avg", "min", "max", "med", "p"],
};

/** What an aggregation reads from a sink. */
export interface SinkView {
  count(): number;
  rate(): number;
  value(): number;
  avg(): number;
  min(): number;
  max(): number;
  percentile(p: number): number;
}

export const aggregate = (a: Aggregation, sink: SinkView): number => {
  switch (a.kind) {
    case "count":
      return sink.count();
    case "rate":
      return sink.rate();
    case "value":
      return sink.value();
    case "avg":
      return sink.avg();
    case "min":
      return sink.min();
    case "max":
      return sink.max();
    case "med":
      return sink.percentile(50);
    case "p":
      return sink.percentile(a.p);
  }
};

export const compare = (observed: number, op: Operator, limit: number): boolean => {
  switch (op) {
    case "<":
      return observed < limit;
    case "<=":
      return observed <= limit;
    case ">":
      return observed > limit;
    case ">=":
      return observed >= limit;
    case "==":
    case "===":
      return observed === limit;
    case "!=":
      return observed !== limit;
  }
};

/** Whether a tag set matches a sub-metric's filters. */
export const matchesTags = (
  filters: ReadonlyArray<[string, string]>,
  tags: Readonly<Record<string, string>>,
): boolean => filters.every(([k, v]) => tags[k] === v);
