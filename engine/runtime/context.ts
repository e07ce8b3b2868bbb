import { AsyncLocalStorage } from "node:async_hooks";
import type { VuConnections } from "../http/vu-connections.js";
import type { ExpectedStatuses } from "./modules/expected-statuses.js";

/**
 * What the k6 API needs to know inside running scenario code: which VU and iteration it belongs to. Many VUs
 * share one worker thread and interleave at every `await`, so the current iteration is carried by
 * AsyncLocalStorage: `__VU`, `__ITER`, `exec.*`, tags and connections stay right inside async code.
 */
export interface Vu {
  /** Unique in the test, from 1 (0 for setup and teardown). */
  idInTest: number;
  /** Unique in this instance (process), from 1. */
  idInInstance: number;
  /** Iterations this VU started in this instance (k6's `__ITER` and `exec.vu.iterationInInstance`). */
  iterationInInstance: number;
  /** Iterations this VU started in its current scenario. */
  iterationInScenario: number;
  conns: VuConnections;
  /** `exec.vu.metrics.tags`: added to every sample the VU emits. */
  tags: Record<string, string>;
  /** Bumped whenever the script changes `tags` (0: never set). */
  tagsVersion: number;
  /** `http.setResponseCallback`, per VU as in k6; undefined for the default (200–399). */
  responseCallback: ExpectedStatuses | null | undefined;
  busy: boolean;
  /** The iteration running on this VU, if any. */
  current: IterationContext | null;
}

export interface ScenarioInfo {
  name: string;
  executor: string;
  /** Epoch ms the scenario started at (set when it starts). */
  startTimeMs: number;
  /** Test-wide tags, the scenario's tags and `scenario`, before group and per-call tags. */
  tags: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string>>;
  /** 0..1, for exec.scenario.progress. */
  progress(): number;
}

export interface IterationContext {
  vu: Vu;
  scenario: ScenarioInfo;
  iterationInTest: number;
  /** Index of this iteration among the scenario's iterations in this instance. */
  iterationInInstance: number;
  /** Current group path ("" at the root, "::a::b" inside groups). */
  group: string;
  /** Requests in flight and timers set by this iteration. */
  pending: number;
  settled: boolean;
  interrupted: boolean;
  bytesSent: number;
  bytesReceived: number;
  /** Called when the iteration's function has settled and nothing it started is pending. */
  onIdle: (() => void) | null;
  /** Setup and teardown run as VU 0 outside any scenario. */
  phase: "setup" | "iteration" | "teardown";
}

export const iterationStore = new AsyncLocalStorage<IterationContext>();

export const currentIteration = (): IterationContext | undefined => iterationStore.getStore();

/** A pending job (request or timer) of an iteration ended: finish the iteration if it was waiting for it. */
export const jobDone = (ctx: IterationContext): void => {
  ctx.pending--;
  if (ctx.pending === 0 && ctx.settled && ctx.onIdle) {
    const done = ctx.onIdle;
    ctx.onIdle = null;
    done();
  }
};
