import { ExitCode } from "../../kernel/exit-codes.js";
import type { EngineConfig, EngineResult, EngineStatus } from "../config.js";
import type { ResolvedOptions } from "../options/resolve.js";
import { plannedStarts } from "../schedule/arrival-rate.js";
import { SegmentMap } from "../schedule/segments.js";
import type { WorkerState } from "../worker/protocol.js";
import type { Aggregator, ThresholdResult } from "./aggregator.js";

const statusExit: Record<EngineStatus, number> = {
  completed: ExitCode.passed,
  "thresholds-failed": ExitCode.failed,
  "aborted-by-threshold": ExitCode.failed,
  "aborted-by-script": ExitCode.failed,
  "aborted-by-cap": ExitCode.failed,
  error: ExitCode.badInput,
  interrupted: ExitCode.interrupted,
};

/** Iterations this process's segment should have started: known only when every scenario has an arrival rate. */
const plannedIterations = (o: ResolvedOptions): number | null => {
  if (!o.scenarios.every((s) => s.executor.endsWith("arrival-rate"))) return null;
  const map = new SegmentMap(o.segmentation.sequence, o.segmentation.segment);
  return o.scenarios.reduce(
    (a, s) =>
      s.executor === "constant-arrival-rate" || s.executor === "ramping-arrival-rate"
        ? a + map.countBelow(plannedStarts(s.curve))
        : a,
    0,
  );
};

export interface ResultInputs {
  config: EngineConfig;
  options: ResolvedOptions;
  status: EngineStatus;
  reason: string[];
  t0Epoch: number | null;
  elapsedMs: number;
  states: Array<WorkerState | null>;
  agg: Aggregator;
  thresholds: ThresholdResult[];
  bundleSha256: string;
  results: { lines: number; bytes: number };
}

/** The engine's last word to the harness: how the test ended and what it did, from the workers' last states. */
export const engineResult = (r: ResultInputs): EngineResult => {
  const scen = r.states.flatMap((s) => s?.scenarios ?? []);
  const totals = (f: (s: (typeof scen)[number]) => number) => scen.reduce((a, s) => a + f(s), 0);
  const failedSink = r.agg.metrics.get("http_req_failed")?.sink;
  return {
    status: r.status,
    exitCode: statusExit[r.status],
    reason: r.reason,
    t0EpochMs: r.t0Epoch,
    loadStartedAt: r.t0Epoch === null ? null : new Date(r.t0Epoch).toISOString(),
    workers: r.config.workers,
    workerStartOffsetsMs: r.states.map((s) => s?.startOffsetMs ?? null),
    thresholds: r.thresholds.map((t) => ({
      metric: t.metric,
      threshold: t.threshold,
      passed: t.passed,
      observed: t.observed,
      abortOnFail: t.abortOnFail,
    })),
    iterations: {
      started: totals((s) => s.started),
      completed: totals((s) => s.completed),
      interrupted: totals((s) => s.interrupted),
      dropped: totals((s) => s.dropped),
      planned: plannedIterations(r.options),
      errors: r.states.reduce((a, s) => a + (s?.iterationErrors ?? 0), 0),
    },
    vusMax: totals((s) => s.allocated),
    requests: r.agg.metrics.get("http_reqs")?.sink.count() ?? 0,
    failedRequests: failedSink ? Math.round(failedSink.rate() * failedSink.count()) : 0,
    durationMs: r.elapsedMs,
    bundleSha256: r.bundleSha256,
    results: { file: r.config.out.results ?? null, lines: r.results.lines, bytes: r.results.bytes },
  };
};
