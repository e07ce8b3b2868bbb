import { createHash } from "node:crypto";
import type { Aggregator, ThresholdResult } from "../coordinator/aggregator.js";
import { CounterSink, type Sink, TrendSink, trendStat } from "../metrics/sinks.js";

/**
 * The end-of-test summary: k6's `--summary-export` shape (the legacy flat one: `metrics` with each type's
 * fields, a `thresholds` map whose `true` means the threshold failed, and `root_group` with checks by group)
 * and the text printed at the end of `exec`.
 */
const md5 = (s: string): string => createHash("md5").update(s).digest("hex");

interface GroupNode {
  name: string;
  path: string;
  id: string;
  groups: Record<string, GroupNode>;
  checks: Record<string, { name: string; path: string; id: string; passes: number; fails: number }>;
}

const groupNode = (name: string, path: string): GroupNode => ({
  name,
  path,
  id: md5(path),
  groups: {},
  checks: {},
});

export const summaryExport = (
  agg: Aggregator,
  thresholds: readonly ThresholdResult[],
  trendStats: readonly string[],
  elapsedS: number,
): { root_group: GroupNode; metrics: Record<string, Record<string, unknown>> } => {
  const root = groupNode("", "");
  for (const c of agg.checks.values()) {
    let node = root;
    let path = "";
    for (const part of c.group.split("::").filter((p) => p !== "")) {
      path = `${path}::${part}`;
      node.groups[part] ??= groupNode(part, path);
      node = node.groups[part];
    }
    const checkPath = `${c.group}::${c.name}`;
    node.checks[c.name] = {
      name: c.name,
      path: checkPath,
      id: md5(checkPath),
      passes: c.passes,
      fails: c.fails,
    };
  }
  const metrics: Record<string, Record<string, unknown>> = {};
  const withThresholds = (name: string, sink: Sink): Record<string, unknown> => {
    if (sink instanceof CounterSink) sink.setElapsed(elapsedS);
    const fields: Record<string, unknown> = sink.exportFields(trendStats, elapsedS);
    const own = thresholds.filter((t) => t.metric === name);
    if (own.length > 0) fields.thresholds = Object.fromEntries(own.map((t) => [t.threshold, !t.passed]));
    return fields;
  };
  for (const m of [...agg.metrics.values()].sort((a, b) => a.def.name.localeCompare(b.def.name))) {
    if (m.sink.count() === 0 && m.thresholds.length === 0) continue;
    metrics[m.def.name] = withThresholds(m.def.name, m.sink);
    for (const s of m.subs)
      if (s.sink.count() > 0 || thresholds.some((t) => t.metric === s.name))
        metrics[s.name] = withThresholds(s.name, s.sink);
  }
  return { root_group: root, metrics };
};

const fmtMs = (ms: number): string => {
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(2)}m`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(2)}µs`;
};

const fmtBytes = (b: number): string =>
  b >= 1e9
    ? `${(b / 1e9).toFixed(1)} GB`
    : b >= 1e6
      ? `${(b / 1e6).toFixed(1)} MB`
      : b >= 1e3
        ? `${(b / 1e3).toFixed(1)} kB`
        : `${b} B`;

/** k6-style text summary (thresholds, checks, then every metric with data). */
export const summaryText = (
  agg: Aggregator,
  thresholds: readonly ThresholdResult[],
  trendStats: readonly string[],
  elapsedS: number,
): string => {
  const lines: string[] = [];
  if (thresholds.length > 0) {
    lines.push("  THRESHOLDS");
    for (const t of thresholds)
      lines.push(
        `    ${t.passed ? "✓" : "✗"} ${t.metric}: '${t.threshold}' (observed ${Number(t.observed.toFixed(4))})`,
      );
    lines.push("");
  }
  const checks = [...agg.checks.values()];
  if (checks.length > 0) {
    lines.push("  CHECKS");
    for (const c of checks) {
      const total = c.passes + c.fails;
      const mark = c.fails === 0 ? "✓" : "✗";
      lines.push(
        `    ${mark} ${c.group ? `${c.group}::` : ""}${c.name}${c.fails > 0 ? `  ${((100 * c.passes) / total).toFixed(1)}% — ✓ ${c.passes} / ✗ ${c.fails}` : ""}`,
      );
    }
    lines.push("");
  }
  const row = (name: string, sink: Sink, contains: string): string => {
    const label = `    ${name} `.padEnd(40, ".");
    if (sink instanceof TrendSink) {
      const stats = trendStats
        .map((s) => {
          const v = trendStat(sink, s);
          return v === null ? null : `${s}=${contains === "time" ? fmtMs(v) : Number(v.toFixed(3))}`;
        })
        .filter((x) => x !== null);
      return `${label}: ${stats.join(" ")}`;
    }
    if (sink instanceof CounterSink) {
      sink.setElapsed(elapsedS);
      const rate = sink.rate();
      return contains === "data"
        ? `${label}: ${fmtBytes(sink.sum)} ${fmtBytes(rate)}/s`
        : `${label}: ${sink.sum} ${rate.toFixed(2)}/s`;
    }
    if (sink.type === "rate") {
      const total = sink.count();
      return `${label}: ${(sink.rate() * 100).toFixed(2)}% ${Math.round(sink.rate() * total)} out of ${total}`;
    }
    return `${label}: ${sink.value()} min=${sink.min()} max=${sink.max()}`;
  };
  lines.push("  METRICS");
  for (const m of [...agg.metrics.values()].sort((a, b) => a.def.name.localeCompare(b.def.name))) {
    if (m.sink.count() === 0) continue;
    lines.push(row(m.def.name, m.sink, m.def.contains));
    for (const s of m.subs)
      if (s.sink.count() > 0) lines.push(row(`  { ${s.suffix} }`, s.sink, m.def.contains));
  }
  return lines.join("\n");
};
