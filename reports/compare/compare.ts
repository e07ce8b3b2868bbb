import type { Criterion, Verdict } from "../verdict/schema.js";

/** How much worse B may be than A before it counts as a regression. */
export interface CompareTolerances {
  /** Latency may grow by this many percent ... */
  latencyPct: number;
  /** ... and by at least this many ms (tiny baselines make percentages pure noise). */
  latencySlackMs: number;
  /** Error rates may grow by this many percentage points. */
  errorRatePp: number;
  /** Recovery, failover and drain times may grow by this many ms. */
  durationSlackMs: number;
}

export const defaultTolerances: CompareTolerances = {
  latencyPct: 10,
  latencySlackMs: 5,
  errorRatePp: 0.5,
  durationSlackMs: 1000,
};

export type Change = "better" | "worse" | "same" | "regression" | "new" | "gone";

export interface CompareRow {
  section: "outcome" | "criteria" | "steps" | "faults" | "dossiers" | "resilience";
  item: string;
  a: number | string | null;
  b: number | string | null;
  change: Change;
  note?: string;
}

export interface Comparison {
  runA: string;
  runB: string;
  tolerances: CompareTolerances;
  rows: CompareRow[];
  regressions: CompareRow[];
}

const latencyChange = (a: number | null, b: number | null, t: CompareTolerances): Change => {
  if (a === null || b === null) return a === b ? "same" : a === null ? "new" : "gone";
  if (b > a * (1 + t.latencyPct / 100) && b - a > t.latencySlackMs) return "regression";
  if (b < a * (1 - t.latencyPct / 100) && a - b > t.latencySlackMs) return "better";
  return b > a ? "worse" : b < a ? "better" : "same";
};

const rateChange = (a: number | null, b: number | null, t: CompareTolerances): Change => {
  if (a === null || b === null) return a === b ? "same" : a === null ? "new" : "gone";
  if (b - a > t.errorRatePp / 100) return "regression";
  return b > a ? "worse" : b < a ? "better" : "same";
};

/** A duration where null means "never happened" (did not recover): null in B after a value in A regresses. */
const durationChange = (a: number | null, b: number | null, t: CompareTolerances): Change => {
  if (a === null && b === null) return "same";
  if (b === null) return "regression";
  if (a === null) return "better";
  if (b - a > t.durationSlackMs) return "regression";
  return b > a ? "worse" : b < a ? "better" : "same";
};

/** Counts of bad things (lost dossiers): any increase regresses. */
const countChange = (a: number | null, b: number | null): Change => {
  if (a === null || b === null) return a === b ? "same" : a === null ? "new" : "gone";
  return b > a ? "regression" : b < a ? "better" : "same";
};

const outcomeRank = { passed: 0, inconclusive: 1, failed: 2 } as const;

/** Turning failed is a regression; any other move is worse or better by rank (passed < inconclusive < failed). */
const outcomeRow = (a: Verdict, b: Verdict): CompareRow => ({
  section: "outcome",
  item: "outcome",
  a: a.outcome,
  b: b.outcome,
  change:
    a.outcome === b.outcome
      ? "same"
      : b.outcome === "failed" && a.outcome !== "failed"
        ? "regression"
        : outcomeRank[b.outcome] > outcomeRank[a.outcome]
          ? "worse"
          : "better",
});

const stateOf = { passed: "pass", failed: "fail", "not-judged": "not judged" } as const;

/**
 * A criterion from A to B: turning failed regresses (from passed or from not judged); failed to passed is
 * better; anything turning not judged is worse (B no longer shows it), and not judged to passed is better.
 */
export const criterionChange = (a: Criterion["status"] | null, b: Criterion["status"] | null): Change => {
  if (a === null) return b === "failed" ? "regression" : "new";
  if (b === null) return "gone";
  if (a === b) return "same";
  if (b === "failed") return "regression";
  if (b === "not-judged") return "worse";
  return "better";
};

/** Every criterion of either run, by status (passed, failed, not judged). */
const criteriaRows = (a: Verdict, b: Verdict): CompareRow[] => {
  const critA = new Map(a.criteria.map((c) => [c.id, c]));
  const critB = new Map(b.criteria.map((c) => [c.id, c]));
  return [...new Set([...critA.keys(), ...critB.keys()])].map((id) => {
    const ca = critA.get(id);
    const cb = critB.get(id);
    const reason = cb?.status === "not-judged" ? `; B not judged: ${cb.reason ?? ""}` : "";
    return {
      section: "criteria",
      item: id,
      a: ca ? stateOf[ca.status] : null,
      b: cb ? stateOf[cb.status] : null,
      change: criterionChange(ca?.status ?? null, cb?.status ?? null),
      note:
        `observed ${ca?.observed ?? "—"} → ${cb?.observed ?? "—"} ${cb?.unit ?? ca?.unit ?? ""}`.trim() +
        reason,
    };
  });
};

/** Each of B's steps: p50, p95 and p99 against the latency tolerances, error rate against the rate's. */
const stepRows = (a: Verdict, b: Verdict, t: CompareTolerances): CompareRow[] => {
  const rows: CompareRow[] = [];
  const stepsA = new Map(a.steps.map((s) => [s.step, s]));
  for (const sb of b.steps) {
    const sa = stepsA.get(sb.step);
    if (!sa) {
      rows.push({ section: "steps", item: `${sb.step} p95`, a: null, b: sb.p95Ms, change: "new" });
      continue;
    }
    for (const p of ["p50Ms", "p95Ms", "p99Ms"] as const) {
      const va = sa[p] ?? null;
      const vb = sb[p] ?? null;
      rows.push({
        section: "steps",
        item: `${sb.step} ${p.slice(0, 3)} (ms)`,
        a: va,
        b: vb,
        change: latencyChange(va, vb, t),
      });
    }
    rows.push({
      section: "steps",
      item: `${sb.step} error rate`,
      a: sa.errorRate,
      b: sb.errorRate,
      change: rateChange(sa.errorRate, sb.errorRate, t),
    });
  }
  return rows;
};

/** Faults both runs had: time to recover (judged), time to detect and error rate during (informational). */
const faultRows = (a: Verdict, b: Verdict, t: CompareTolerances): CompareRow[] => {
  const faultsA = new Map(a.faults.map((f) => [f.id, f]));
  return b.faults.flatMap((fb): CompareRow[] => {
    const fa = faultsA.get(fb.id);
    if (!fa) return []; // a different plan: nothing to compare the fault with
    const duringChange = rateChange(fa.errorRateDuring, fb.errorRateDuring, t);
    return [
      {
        section: "faults",
        item: `${fb.id} time to recover (ms)`,
        a: fa.timeToRecoverMs,
        b: fb.timeToRecoverMs,
        change: durationChange(fa.timeToRecoverMs, fb.timeToRecoverMs, t),
      },
      {
        section: "faults",
        item: `${fb.id} time to detect (ms)`,
        a: fa.timeToDetectMs,
        b: fb.timeToDetectMs,
        change:
          fa.timeToDetectMs === fb.timeToDetectMs
            ? "same"
            : (fb.timeToDetectMs ?? Number.POSITIVE_INFINITY) >
                (fa.timeToDetectMs ?? Number.POSITIVE_INFINITY)
              ? "worse"
              : "better",
      },
      {
        section: "faults",
        item: `${fb.id} error rate during`,
        a: fa.errorRateDuring,
        b: fb.errorRateDuring,
        change: duringChange === "regression" ? "worse" : duringChange,
        note: "informational: error rates inside a fault vary with its exact timing",
      },
    ];
  });
};

const dossierCounts: ReadonlyArray<readonly [string, (v: Verdict) => number | null]> = [
  ["lost", (v) => v.dossiers.lost],
  ["duplicated", (v) => v.dossiers.duplicated],
  ["illegal transitions", (v) => v.dossiers.illegalTransitions],
  ["stuck", (v) => v.dossiers.stuck],
  ["lookup errors", (v) => v.dossiers.lookupErrors],
];

const dossierRows = (a: Verdict, b: Verdict): CompareRow[] =>
  dossierCounts.map(([item, get]) => {
    const va = get(a);
    const vb = get(b);
    return { section: "dossiers", item, a: va, b: vb, change: countChange(va, vb) };
  });

const measuredDurations: ReadonlyArray<readonly [string, (v: Verdict) => number | null]> = [
  ["failover duration (ms)", (v) => v.failover.durationMs.value],
  ["queue drain time (ms)", (v) => v.queue.drainTimeMs.value],
  ["national-sync drain time (ms)", (v) => v.sync.drainTimeMs?.value ?? null],
];

/** Failover, queue and sync durations either run measured, then the queue's peak (never a regression). */
const resilienceRows = (a: Verdict, b: Verdict, t: CompareTolerances): CompareRow[] => {
  const rows: CompareRow[] = [];
  for (const [item, get] of measuredDurations) {
    const va = get(a);
    const vb = get(b);
    if (va === null && vb === null) continue;
    rows.push({ section: "resilience", item, a: va, b: vb, change: durationChange(va, vb, t) });
  }
  const peakA = a.queue.peakDepth.value;
  const peakB = b.queue.peakDepth.value;
  if (peakA !== null || peakB !== null)
    rows.push({
      section: "resilience",
      item: "queue peak depth",
      a: peakA,
      b: peakB,
      change:
        peakA === null || peakB === null
          ? "same"
          : peakB > peakA
            ? "worse"
            : peakB < peakA
              ? "better"
              : "same",
    });
  return rows;
};

/** What got better or worse from run A to run B: criteria, per-step percentiles, resilience figures, dossiers. */
export const compareVerdicts = (
  a: Verdict,
  b: Verdict,
  t: CompareTolerances = defaultTolerances,
): Comparison => {
  const rows: CompareRow[] = [
    outcomeRow(a, b),
    ...criteriaRows(a, b),
    ...stepRows(a, b, t),
    ...faultRows(a, b, t),
    ...dossierRows(a, b),
    ...resilienceRows(a, b, t),
  ];
  return {
    runA: a.runId,
    runB: b.runId,
    tolerances: t,
    rows,
    regressions: rows.filter((r) => r.change === "regression"),
  };
};

const cell = (v: number | string | null): string => (v === null ? "—" : String(v));

export const renderComparison = (c: Comparison): string => {
  const lines: string[] = [];
  lines.push(`compare ${c.runA} (A) → ${c.runB} (B)`);
  lines.push(
    `tolerances: latency +${c.tolerances.latencyPct} % and +${c.tolerances.latencySlackMs} ms, error rate +${c.tolerances.errorRatePp} pp, durations +${c.tolerances.durationSlackMs} ms`,
  );
  let section = "";
  for (const r of c.rows) {
    if (r.section !== section) {
      section = r.section;
      lines.push("");
      lines.push(`${section}:`);
    }
    const mark = r.change === "regression" ? "REGRESSION" : r.change;
    lines.push(`  ${mark.padEnd(10)} ${r.item}: ${cell(r.a)} → ${cell(r.b)}${r.note ? `  (${r.note})` : ""}`);
  }
  lines.push("");
  lines.push(
    c.regressions.length === 0
      ? "no regression beyond the tolerances"
      : `${c.regressions.length} regression(s) beyond the tolerances: ${c.regressions.map((r) => r.item).join(", ")}`,
  );
  return lines.join("\n");
};
