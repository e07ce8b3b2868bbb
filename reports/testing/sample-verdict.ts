import type { ChaosEvent } from "../../chaos/events.js";
import type { EngineStatus } from "../../engine/config.js";
import type { K6Point } from "../analysis/k6-stream.js";
import { WindowAggregator } from "../analysis/windows.js";
import { type TargetFigures, targetFigures } from "../metrics/figures.js";
import type { DossierSummary } from "../reconcile/reconcile.js";
import { compactLoad, compactSeries, type SeriesFile } from "../run-dir/series-file.js";
import { buildVerdict } from "../verdict/build.js";
import type { CriteriaSettings } from "../verdict/input.js";
import type { EngineReport, Verdict } from "../verdict/schema.js";

const t0 = Date.parse("2026-07-01T01:00:00Z");

/**
 * A verdict built by the real code from synthetic samples: 60 s at 50 requests/s, an outage from 20 to 25 s
 * (errors, failed checks), slower answers for `slowMs` after it, and the given dossier summary. The engine's
 * own samples as it writes them: `vus` / `vus_max` once a second (busy 4–7, 12 allocated, busy 10 during the
 * outage), a start lag of 0.2–0.8 ms per iteration (12 ms at 30 s), a check and 300 / 2,000 bytes per
 * iteration, and `dropped` dropped iterations at 22 s. No target metrics unless `targetFigures` are given.
 */
export interface SampleOptions {
  slowMs?: number;
  dossiers?: Partial<DossierSummary>;
  latencyMs?: number;
  dropped?: number;
  /** VUs busy during the outage (default 10 of 12 allocated; 12 is every VU held). */
  vusBusyDuringOutage?: number;
  /** When the `dropped` iterations drop (default 22 s, inside the outage), and how many VUs are busy then. */
  droppedAtMs?: number;
  vusBusyWhenDropped?: number;
  engineStatus?: EngineStatus;
  engine?: Partial<EngineReport>;
  /** The link the outage cuts (default `citizen-gateway`; `gateway-dossier-primary` takes the primary away). */
  faultLink?: string;
  /** Retries the load made after a refusal, at 26 s: the answer's status and the Retry-After it carried. */
  retries?: ReadonlyArray<{ status: string; retryAfter: string }>;
  criteria?: Partial<CriteriaSettings>;
  targetFigures?: TargetFigures;
}

export const sampleVerdict = (o: SampleOptions = {}): Verdict => sampleRun(o).verdict;

const faultsOn = (link: string) => [{ id: "citizen-outage", kind: "outage", link, startS: 20, durationS: 5 }];

/** The chaos clock's account of the outage: applied 10 ms late, removed 5 ms late. */
const eventsOn = (link: string): ChaosEvent[] => [
  {
    faultId: "citizen-outage",
    kind: "outage",
    link,
    phase: "apply",
    outcome: "ok",
    plannedMs: 20_000,
    requestedMs: 20_001,
    appliedMs: 20_010,
  },
  {
    faultId: "citizen-outage",
    kind: "outage",
    link,
    phase: "remove",
    outcome: "ok",
    plannedMs: 25_000,
    requestedMs: 25_001,
    appliedMs: 25_005,
  },
];

/** 60 s of synthetic samples folded as the analysis folds a run's results (see SampleOptions). */
const sampleAggregator = (o: SampleOptions): WindowAggregator => {
  const agg = new WindowAggregator({
    t0Ms: t0,
    windowMs: 1000,
    isSteady: (t) => t < 20_000 || t >= 35_000,
    intervals: [
      { id: "baseline", fromMs: 2000, toMs: 20_000 },
      { id: "fault:citizen-outage", fromMs: 20_000, toMs: 25_000 },
    ],
  });
  const base = o.latencyMs ?? 5;
  for (let i = 0; i < 3000; i++) {
    const t = i * 20;
    const down = t >= 20_000 && t < 25_000;
    const slow = t >= 25_000 && t < 25_000 + (o.slowMs ?? 0);
    const step = ["browse", "status", "submit"][i % 3] as string;
    const p: Omit<K6Point, "metric" | "value"> = {
      timeMs: t0 + t,
      step,
      province: `H${String((i % 34) + 1).padStart(2, "0")}`,
      status: down ? "0" : "200",
      expectedResponse: down ? "false" : "true",
      retryAfter: undefined,
    };
    agg.add({ ...p, metric: "http_req_failed", value: down ? 1 : 0 });
    agg.add({ ...p, metric: "http_req_duration", value: down ? 0 : slow ? 400 : base + (i % 7) });
    agg.add({ ...p, metric: "iterations", value: 1 });
    const own = {
      ...p,
      step: undefined,
      province: undefined,
      status: undefined,
      expectedResponse: undefined,
    };
    agg.add({ ...own, metric: "iteration_start_lag", value: t === 30_000 ? 12 : 0.2 + (i % 7) / 10 });
    agg.add({ ...own, metric: "checks", value: down ? 0 : 1 });
    if (t === (o.droppedAtMs ?? 22_000))
      for (let d = 0; d < (o.dropped ?? 0); d++) agg.add({ ...own, metric: "dropped_iterations", value: 1 });
    agg.add({ ...own, metric: "data_sent", value: 300 });
    agg.add({ ...own, metric: "data_received", value: 2000 });
    if (t % 1000 === 500) {
      const dropping = Math.floor(t / 1000) === Math.floor((o.droppedAtMs ?? 22_000) / 1000);
      const busy =
        dropping && o.vusBusyWhenDropped !== undefined
          ? o.vusBusyWhenDropped
          : down
            ? (o.vusBusyDuringOutage ?? 10)
            : 4 + (Math.floor(t / 1000) % 4);
      agg.add({ ...own, metric: "vus", value: busy });
      agg.add({ ...own, metric: "vus_max", value: 12 });
    }
    if (t === 26_000)
      for (const r of o.retries ?? [])
        agg.add({ ...p, metric: "retry_wait_ms", value: 1000, status: r.status, retryAfter: r.retryAfter });
  }
  return agg;
};

/** What the rest of a run directory would say: its plan's settings, the engine's account, the fingerprint. */
const runContext = (o: SampleOptions) => ({
  runId: "20260701-010000-abcdef",
  target: "mock (healthy)",
  profile: "july1-peak",
  faultPlan: "demo",
  loadStartedAt: new Date(t0).toISOString(),
  faults: faultsOn(o.faultLink ?? "citizen-gateway"),
  events: eventsOn(o.faultLink ?? "citizen-gateway"),
  baselineRange: { fromMs: 2000, toMs: 20_000 },
  targetFigures:
    o.targetFigures ??
    targetFigures(
      null,
      t0,
      { atMs: null, faultId: null, firstWriteAfterMs: null },
      "the target exposes no metrics endpoint",
    ),
  plannedIterations: 3000,
  plannedPeakRequestsPerS: 50,
  engineStatus: o.engineStatus ?? "completed",
  engine: {
    reason: [],
    workers: 2,
    workerStartOffsetsMs: [0.4, 1.3],
    iterations: { started: 3000, completed: 3000, interrupted: 0, dropped: o.dropped ?? 0, errors: 0 },
    ...o.engine,
  },
  generatorCpu: { value: 0.1 },
  criteria: {
    steadyErrorRateMax: 0.01,
    steadyP95MaxMs: 500,
    recoverWithinS: 10,
    maxStartSkewMs: 250,
    maxDroppedIterationsShare: 0.001,
    ...o.criteria,
  },
  slo: {
    name: "default",
    steps: { browse: { p95Ms: 500, p99Ms: 1500, errorRate: 0.01 } },
    acknowledgementP95Ms: 3000,
  },
  acknowledgementP95Ms: 20,
  analysis: { windowMs: 1000, recoverWindows: 5, errorRateTolerancePp: 1, p95Factor: 1.5, p95SlackMs: 25 },
  assumptions: ["A user's request every 10–20 s while active."],
  fingerprint: {
    tools: { engine: "0.2.0", toxiproxy: "2.12.0" },
    configHash: "a".repeat(64),
    profileHash: "b".repeat(64),
    faultPlanHash: "c".repeat(64),
    scenarioBundleHash: "d".repeat(64),
    seed: 1,
    gitRevision: null,
    node: "v20",
  },
});

/** The sample verdict and the series.json the analysis writes beside it. */
export const sampleRun = (o: SampleOptions = {}): { verdict: Verdict; series: SeriesFile } => {
  const agg = sampleAggregator(o);
  const windows = agg.finish();
  const dossiers: DossierSummary = {
    submitted: 100,
    acknowledged: 98,
    found: 98,
    lost: 0,
    duplicated: 0,
    stuck: null,
    illegalTransitions: 0,
    examples: { lost: [], duplicated: [], malformed: [], stuck: [], illegal: [] },
    lookupErrors: 0,
    notes: [],
    keyRetriesReachedPortal: 3,
    ...o.dossiers,
  };
  const verdict = buildVerdict({ ...runContext(o), aggregator: agg, windows, dossiers });
  const series: SeriesFile = {
    schemaVersion: 2,
    windowMs: 1000,
    breakdownWindowMs: agg.breakdownWindowMs,
    steps: agg.breakdown("step").map((b) => ({ key: b.key, points: compactSeries(b.series) })),
    provinces: agg.breakdown("province").map((b) => ({ key: b.key, points: compactSeries(b.series) })),
    load: compactLoad(agg.loadSeries()),
    queue: [],
  };
  return { verdict, series };
};
