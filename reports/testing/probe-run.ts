import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChaosEvent } from "../../chaos/events.js";
import type { FaultPlan } from "../../chaos/plan.js";
import type { Stack } from "../../chaos/stack.js";
import { Timeline } from "../../chaos/timeline.js";
import { measureEpochOffset, monoNow } from "../../engine/clock/clock.js";
import type { EngineResult } from "../../engine/config.js";
import { launchEngine } from "../../engine/launch.js";
import { sleep } from "../../kernel/sleep.js";
import { type K6Point, scanK6Results } from "../analysis/k6-stream.js";

/**
 * A small, fast run for physics checks: the real engine sends one step (`GET /api/v1/procedures/{code}`,
 * answered by the gateway itself, so the citizen link is the only link on its path) at a constant arrival
 * rate through the mock's citizen link, while the real fault timeline applies a plan on the same t0. Returns
 * every request with its start and end (ms after t0) and the chaos events, as a run would record them.
 */
export interface ProbeRequest {
  /** End of the request (the results' sample time), ms after t0. */
  endMs: number;
  /** End minus the request's duration (sending + waiting + receiving), ms after t0. */
  startMs: number;
  durationMs: number;
  failed: boolean;
}

export interface ProbeRun {
  t0WallMs: number;
  requests: ProbeRequest[];
  /** Every sample of the results, for the analysis. */
  points: K6Point[];
  events: ChaosEvent[];
  result: EngineResult | null;
}

export interface ProbeOptions {
  stack: Pick<Stack, "citizenUrl" | "client" | "proxyFor">;
  dir: string;
  ratePerS: number;
  durationS: number;
  plan: FaultPlan;
  /** Stop the timeline this long after t0 (what a run that ends early does): faults in force are removed then. */
  stopTimelineAtMs?: number;
}

const probeScript = (ratePerS: number, durationS: number): string => `
import http from "k6/http";
export const options = {
  scenarios: {
    probe: {
      executor: "constant-arrival-rate", rate: ${ratePerS}, timeUnit: "1s", duration: "${durationS}s",
      preAllocatedVUs: 5, maxVUs: 100, gracefulStop: "3s",
    },
  },
};
export default async function () {
  await http.asyncRequest("GET", __ENV.BASE + "/api/v1/procedures/" + __ENV.CODE, null, {
    tags: { step: "browse" }, timeout: "4s",
  });
}
`;

/** Pairs each request's duration with its failed flag (the engine writes both at the request's end). */
const requestsOf = (points: readonly K6Point[], t0WallMs: number): ProbeRequest[] => {
  const failedAt = new Map<number, number[]>();
  for (const p of points)
    if (p.metric === "http_req_failed") failedAt.set(p.timeMs, [...(failedAt.get(p.timeMs) ?? []), p.value]);
  const out: ProbeRequest[] = [];
  for (const p of points) {
    if (p.metric !== "http_req_duration") continue;
    const flags = failedAt.get(p.timeMs) ?? [];
    const failed = (flags.shift() ?? (p.status === "200" ? 0 : 1)) === 1;
    const endMs = p.timeMs - t0WallMs;
    out.push({ endMs, startMs: endMs - p.value, durationMs: p.value, failed });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
};

export const runProbe = async (o: ProbeOptions): Promise<ProbeRun> => {
  const script = join(o.dir, "probe.js");
  const results = join(o.dir, "results.json");
  writeFileSync(script, probeScript(o.ratePerS, o.durationS));
  const list = await fetch(`${o.stack.citizenUrl}/api/v1/procedures?limit=1`, {
    signal: AbortSignal.timeout(5000),
  });
  const code = ((await list.json()) as { items: Array<{ code: string }> }).items[0]?.code;
  if (!code) throw new Error("the catalogue is empty");
  const engine = launchEngine({
    config: {
      script,
      env: { BASE: o.stack.citizenUrl, CODE: code },
      out: { results, console: join(o.dir, "console.ndjson") },
      start: "harness",
      progress: "ipc",
      printSummary: false,
    },
    configFile: join(o.dir, "engine-config.json"),
    logFile: join(o.dir, "engine.log"),
  });
  if ((await engine.ready) === null) throw new Error(`the engine did not start: see ${o.dir}/engine.log`);
  // The same release as a run's: t0 a little ahead on the monotonic clock, for the engine and the timeline.
  const t0Mono = monoNow() + 200;
  const t0WallMs = t0Mono + measureEpochOffset();
  engine.start(t0WallMs, t0Mono);
  const events: ChaosEvent[] = [];
  const timeline = new Timeline({
    client: o.stack.client,
    plan: o.plan,
    proxyFor: o.stack.proxyFor,
    t0: t0Mono - (monoNow() - performance.now()),
    onEvent: (e) => events.push(e),
  });
  timeline.start();
  try {
    if (o.stopTimelineAtMs !== undefined) {
      await sleep(Math.max(0, t0WallMs + o.stopTimelineAtMs - Date.now()));
      await timeline.stop();
    }
    const outcome = await engine.finished;
    await timeline.done();
    const points: K6Point[] = [];
    await scanK6Results(results, (p) => points.push({ ...p }));
    const result = outcome.kind === "result" ? outcome.result : null;
    return { t0WallMs, requests: requestsOf(points, t0WallMs), points, events, result };
  } finally {
    await timeline.stop();
    engine.stop();
  }
};

/** The median of some numbers (NaN when there are none). */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
