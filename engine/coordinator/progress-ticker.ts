import { monoNow } from "../clock/clock.js";
import type { Caps, FromEngine, Progress } from "../config.js";
import { builtinMetrics } from "../metrics/builtin.js";
import type { ResolvedOptions } from "../options/resolve.js";
import { tagsJson } from "../runtime/samples.js";
import { rateAt } from "../schedule/arrival-rate.js";
import { SegmentMap } from "../schedule/segments.js";
import type { WorkerState } from "../worker/protocol.js";
import type { Aggregator } from "./aggregator.js";
import { runtimeCapBreach } from "./caps.js";
import type { Ending } from "./ending.js";
import type { SampleStream } from "./sample-stream.js";

const thresholdEveryMs = 2000;

export interface TickerContext {
  options: ResolvedOptions;
  plannedMs: number;
  t0Epoch: number;
  t0Mono: number;
  agg: Aggregator;
  stream: SampleStream;
  ending: Ending;
  caps: Caps;
  states: () => Array<WorkerState | null>;
  send: (m: FromEngine) => void;
}

type ScenarioState = WorkerState["scenarios"][number];

/** The iterations/s this process's segment of the arrival-rate scenarios should start now; null for none. */
const plannedRateNow = (options: ResolvedOptions, share: number, elapsedMs: number): number | null => {
  if (!options.scenarios.some((s) => s.executor.endsWith("arrival-rate"))) return null;
  return options.scenarios.reduce(
    (a, s) =>
      s.executor === "constant-arrival-rate" || s.executor === "ramping-arrival-rate"
        ? a + rateAt(s.curve, elapsedMs - s.startTimeMs) * 1000 * share
        : a,
    0,
  );
};

/**
 * Once a second from t0, on the monotonic clock: the vus and vus_max samples, a progress message; every 2 s
 * the thresholds, ending the run when one that aborts on fail has failed; every second the byte and error-rate
 * caps, ending the run when one is hit. Returns a function that stops it.
 */
export const startProgressTicker = (c: TickerContext): (() => void) => {
  const map = new SegmentMap(c.options.segmentation.sequence, c.options.segmentation.segment);
  const share = map.share / map.period;
  const vusTags = tagsJson({ ...c.options.tags });
  let lastStarted = 0;
  let second = 0;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    second++;
    const now = c.t0Epoch + second * 1000;
    const states = c.states().filter((s): s is WorkerState => s !== null);
    const sum = (f: (s: ScenarioState) => number) =>
      states.reduce((a, s) => a + s.scenarios.reduce((b, sc) => b + f(sc), 0), 0);
    const busy = sum((s) => s.busy);
    const allocated = sum((s) => s.allocated);
    c.stream.addOwn(builtinMetrics.vus, now, busy, vusTags);
    c.stream.addOwn(builtinMetrics.vusMax, now, allocated, vusTags);
    const started = sum((s) => s.started);
    const elapsedMs = monoNow() - c.t0Mono;
    const progress: Progress = {
      elapsedS: elapsedMs / 1000,
      plannedS: c.plannedMs / 1000,
      rate: started - lastStarted,
      plannedRate: plannedRateNow(c.options, share, elapsedMs),
      vusBusy: busy,
      vusAllocated: allocated,
      dropped: sum((s) => s.dropped),
      errors: c.agg.httpFailures + states.reduce((a, s) => a + s.iterationErrors, 0),
      p95Ms: c.agg.recentP95(),
      requests: c.agg.metrics.get("http_reqs")?.sink.count() ?? 0,
    };
    lastStarted = started;
    c.send({ type: "progress", progress });
    const breach = runtimeCapBreach(c.caps, {
      elapsedS: elapsedMs / 1000,
      bytes: c.stream.wireBytes,
      requests: progress.requests,
      failedRequests: c.agg.httpFailures,
    });
    if (breach !== null) c.ending.endWith("aborted-by-cap", breach);
    if (second % (thresholdEveryMs / 1000) === 0 && !c.ending.stopping) {
      const abort = c.agg.evaluate(elapsedMs / 1000, elapsedMs).find((r) => r.abortedAtMs !== null);
      if (abort)
        c.ending.endWith(
          "aborted-by-threshold",
          `threshold '${abort.threshold}' on ${abort.metric} failed (observed ${abort.observed}) and aborts the test`,
        );
    }
    c.stream.ownNext(c.t0Epoch + (second + 1) * 1000);
    timer = setTimeout(tick, Math.max(0, c.t0Mono + (second + 1) * 1000 - monoNow()));
  };
  c.stream.ownNext(c.t0Epoch + 1000);
  timer = setTimeout(tick, Math.max(0, c.t0Mono + 1000 - monoNow()));
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
};
