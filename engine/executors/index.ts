import type { ResolvedScenario } from "../options/resolve.js";
import type { SegmentMap } from "../schedule/segments.js";
import { WorkerSlice } from "../schedule/segments.js";
import { ArrivalRateExecutor } from "./arrival-rate.js";
import type { Executor } from "./executor.js";
import { PerVuIterationsExecutor, SharedIterationsExecutor } from "./iterations.js";
import { type ScenarioDeps, ScenarioRun } from "./scenario-run.js";
import type { SharedCounters } from "./shared-counters.js";
import { ConstantVusExecutor, RampingVusExecutor } from "./vu-loop.js";

/**
 * Builds each scenario's executor for one worker. The registry is keyed by k6's executor names; a
 * schedule-driven executor (replaying recorded start times) fits beside arrival-rate: it only has to say when
 * iteration n is due.
 */
export interface Placement {
  worker: number;
  workers: number;
  processMap: SegmentMap;
  /** This instance's segment among the sequence's (for VU-looping iteration numbers). */
  segment: { index: number; count: number };
  counters: SharedCounters;
}

export const createExecutor = (
  cfg: ResolvedScenario,
  deps: Omit<ScenarioDeps, "vuSlice" | "processMap">,
  p: Placement,
): Executor => {
  const slice = new WorkerSlice(p.processMap, p.worker, p.workers);
  const run = new ScenarioRun(cfg, { ...deps, vuSlice: slice, processMap: p.processMap });
  const loopIteration = () => p.counters.takeLoop(deps.index) * p.segment.count + p.segment.index;
  switch (cfg.executor) {
    case "constant-arrival-rate":
    case "ramping-arrival-rate":
      return new ArrivalRateExecutor(run, cfg.curve, slice, cfg.preAllocatedVUs);
    case "constant-vus":
      return new ConstantVusExecutor(run, loopIteration, cfg.vus, deps.vuBase);
    case "ramping-vus":
      return new RampingVusExecutor(
        run,
        loopIteration,
        cfg.startVUs,
        cfg.stages,
        cfg.gracefulRampDownMs,
        deps.vuBase,
      );
    case "per-vu-iterations":
      return new PerVuIterationsExecutor(run, cfg.iterations, deps.vuBase);
    case "shared-iterations": {
      const owned = p.processMap.countBelow(cfg.iterations);
      return new SharedIterationsExecutor(run, () => {
        const r = p.counters.takeShared(deps.index);
        return r < owned ? p.processMap.indexOfRank(r) : null;
      });
    }
  }
};
