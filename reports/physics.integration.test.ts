import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appliedTimes, applyRequestedAt } from "../chaos/events.js";
import { FaultPlan } from "../chaos/plan.js";
import { startTestStack, type TestStack } from "../chaos/testing/mock-stack.js";
import { tempDir } from "../kernel/testing/temp-dir.js";
import { WindowAggregator } from "./analysis/windows.js";
import { Analysis } from "./settings.js";
import { median, type ProbeRun, runProbe } from "./testing/probe-run.js";
import { baselineFigures, faultResults } from "./verdict/criteria/faults.js";
import type { FaultResult } from "./verdict/schema.js";
import { summarise } from "./verdict/tally-summary.js";

/**
 * Physics checks: a fault the timeline applies on a real toxiproxy link must show in what the real engine
 * measured through it, by the amount and at the time it was applied, and the verdict's fault figures must be
 * timed from when the fault really was in force. One link (citizen → gateway), one step (a catalogue read the
 * gateway answers itself), a low constant arrival rate: each check is a few seconds of load.
 */
const rate = 20;
const planOf = (...faults: Array<Record<string, unknown>>): FaultPlan =>
  FaultPlan.parse({ schemaVersion: 1, name: "physics", description: "physics check", faults });

/** The fault figures exactly as the verdict makes them: windows, the baseline's band, applied times. */
const verdictFigures = (run: ProbeRun, plan: FaultPlan): FaultResult => {
  const fault = plan.faults[0];
  if (!fault) throw new Error("no fault");
  const analysis = Analysis.parse({});
  const applied = appliedTimes(fault.id, run.events);
  const requested = applyRequestedAt(fault.id, run.events) ?? fault.startS * 1000;
  const baselineRange = { fromMs: 2 * analysis.windowMs, toMs: requested };
  const agg = new WindowAggregator({
    t0Ms: run.t0WallMs,
    windowMs: analysis.windowMs,
    isSteady: () => true,
    intervals: [
      { id: "baseline", ...baselineRange },
      { id: `fault:${fault.id}`, fromMs: applied.start ?? 0, toMs: applied.end ?? 0 },
    ],
  });
  for (const p of run.points) agg.add(p);
  const windows = agg.finish();
  const tally = agg.perInterval.get("baseline");
  const { tol } = baselineFigures(tally && summarise(tally), baselineRange, analysis);
  const [result] = faultResults(plan.faults, {
    events: run.events,
    windows,
    intervals: agg.perInterval,
    analysis,
    tol,
    sloErrorRate: 0.01,
    allowedErrors: 10,
  });
  if (!result) throw new Error("no fault result");
  return result;
};

const appliedOf = (run: ProbeRun, id: string) => {
  const t = appliedTimes(id, run.events);
  if (t.start === null || t.end === null) throw new Error(`fault ${id} was not applied and removed cleanly`);
  return { start: t.start, end: t.end, requested: applyRequestedAt(id, run.events) ?? t.start };
};

describe("physics: faults on a real link move what the engine measures (real engine, toxiproxy, mock)", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack("healthy");
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  /**
   * Runs a plan of latency faults (all in force together) and measures the step's p50 before and during them.
   * Before: after the first second (connections, JIT), until the first apply was sent. During: requests that
   * started once every toxic was confirmed and ended before the first removal.
   */
  const p50Shift = async (plan: FaultPlan) => {
    using dir = tempDir("ph-physics-");
    const run = await runProbe({ stack, dir: dir.path, ratePerS: rate, durationS: 8, plan });
    const applied = plan.faults.map((f) => appliedOf(run, f.id));
    const requested = Math.min(...applied.map((a) => a.requested));
    const from = Math.max(...applied.map((a) => a.start));
    const to = Math.min(...applied.map((a) => a.end));
    const before = run.requests.filter((r) => r.startMs >= 1000 && r.endMs < requested && !r.failed);
    const during = run.requests.filter((r) => r.startMs >= from && r.endMs < to - 50 && !r.failed);
    const p50Before = median(before.map((r) => r.durationMs));
    const p50During = median(during.map((r) => r.durationMs));
    return { run, before, during, p50Before, p50During, shift: p50During - p50Before };
  };

  for (const latencyMs of [50, 200, 1000]) {
    it(`a ${latencyMs} ms latency moves the step's p50 by ${latencyMs} ms within max(10 %, 15 ms)`, async () => {
      // Downstream (server → client), the kind's default: toxiproxy delays each chunk of the answer once, so a
      // request gains the latency once.
      const m = await p50Shift(
        planOf({
          id: "lat",
          kind: "latency",
          link: "citizen-gateway",
          startS: 3,
          durationS: 4,
          params: { latencyMs },
        }),
      );
      const tolerance = Math.max(0.1 * latencyMs, 15);
      console.log(
        `latency ${latencyMs} ms: p50 before ${m.p50Before.toFixed(1)} ms (${m.before.length}), during ${m.p50During.toFixed(1)} ms (${m.during.length}), shift ${m.shift.toFixed(1)} ms (±${tolerance})`,
      );
      expect(m.before.length).toBeGreaterThanOrEqual(20);
      expect(m.during.length).toBeGreaterThanOrEqual(20);
      expect(m.run.requests.filter((r) => r.failed)).toEqual([]);
      expect(Math.abs(m.shift - latencyMs)).toBeLessThanOrEqual(tolerance);
    }, 60_000);
  }

  it("a latency is per direction: 200 ms on both directions of the link moves the p50 by 400 ms", async () => {
    const fault = { kind: "latency", link: "citizen-gateway", startS: 3, durationS: 4 };
    const m = await p50Shift(
      planOf(
        { ...fault, id: "lat-down", params: { latencyMs: 200, stream: "downstream" } },
        { ...fault, id: "lat-up", params: { latencyMs: 200, stream: "upstream" } },
      ),
    );
    console.log(
      `latency 200 ms each way: p50 before ${m.p50Before.toFixed(1)} ms, during ${m.p50During.toFixed(1)} ms (${m.during.length}), shift ${m.shift.toFixed(1)} ms (±40)`,
    );
    expect(m.during.length).toBeGreaterThanOrEqual(20);
    expect(Math.abs(m.shift - 400)).toBeLessThanOrEqual(40);
  }, 60_000);

  it("an outage's errors start within 1 s of its applied start and stop at its applied end; recovery is timed from there", async () => {
    using dir = tempDir("ph-physics-");
    const plan = planOf({ id: "cut", kind: "outage", link: "citizen-gateway", startS: 4, durationS: 2 });
    const run = await runProbe({ stack, dir: dir.path, ratePerS: rate, durationS: 12, plan });
    const a = appliedOf(run, "cut");
    const failed = run.requests.filter((r) => r.failed);
    const onsetMs = (failed[0]?.endMs ?? Number.NaN) - a.start;
    const lastErrorMs = (failed.at(-1)?.endMs ?? Number.NaN) - a.end;
    console.log(
      `outage applied ${a.start.toFixed(1)}–${a.end.toFixed(1)} ms: ${failed.length} failed, first ${onsetMs.toFixed(1)} ms after the applied start, last ${lastErrorMs.toFixed(1)} ms after the applied end`,
    );
    // The proxy may refuse from the moment the admin call is received, before it confirms: that is the lower bound.
    expect(onsetMs).toBeGreaterThanOrEqual(a.requested - a.start - 5);
    expect(onsetMs).toBeLessThanOrEqual(1000);
    // Every request that started inside the outage failed; none that started after its applied end did.
    const inside = run.requests.filter((r) => r.startMs >= a.start + 5 && r.startMs < a.end - 5);
    expect(inside.length).toBeGreaterThanOrEqual(30);
    expect(inside.every((r) => r.failed)).toBe(true);
    expect(run.requests.filter((r) => r.startMs > a.end + 5 && r.failed)).toEqual([]);

    const fault = verdictFigures(run, plan);
    expect(fault.appliedStartMs).toBe(a.start);
    expect(fault.appliedEndMs).toBe(a.end);
    expect(fault.errorRateDuring).toBeGreaterThan(0.9);
    expect(fault.timeToDetectMs).not.toBeNull();
    expect(fault.timeToDetectMs ?? Number.NaN).toBeLessThanOrEqual(1000);
    // Back at once: the first window wholly after the applied end starts the recovered run of windows.
    expect(fault.timeToRecoverMs).not.toBeNull();
    expect(fault.timeToRecoverMs ?? Number.NaN).toBeLessThanOrEqual(1000);
  }, 60_000);

  it("recovery is measured from the applied end, not the planned one (a fault removed 26 s before its planned end)", async () => {
    using dir = tempDir("ph-physics-");
    // Planned far past the load's end; the timeline is stopped at 6 s, as a run that ends early stops it, and
    // the removal it records then is the fault's applied end.
    const plan = planOf({ id: "early", kind: "outage", link: "citizen-gateway", startS: 4, durationS: 28 });
    const run = await runProbe({
      stack,
      dir: dir.path,
      ratePerS: rate,
      durationS: 14,
      plan,
      stopTimelineAtMs: 6000,
    });
    const a = appliedOf(run, "early");
    const fault = verdictFigures(run, plan);
    const failed = run.requests.filter((r) => r.failed);
    console.log(
      `applied end ${a.end.toFixed(1)} ms (planned ${fault.plannedEndMs} ms), time to recover ${fault.timeToRecoverMs} ms, last error at ${failed.at(-1)?.endMs.toFixed(1)} ms`,
    );
    expect(a.end).toBeGreaterThan(5900);
    expect(a.end).toBeLessThan(7000);
    expect(fault.plannedEndMs - a.end).toBeGreaterThan(25_000);
    expect(fault.appliedEndMs).toBe(a.end);
    expect(failed.length).toBeGreaterThanOrEqual(20);
    expect(run.requests.filter((r) => r.startMs > a.end + 5 && r.failed)).toEqual([]);
    // From the planned end (after the load) there is nothing to recover into: the figure would be null.
    expect(fault.timeToRecoverMs).not.toBeNull();
    expect(fault.timeToRecoverMs ?? Number.NaN).toBeGreaterThanOrEqual(0);
    expect(fault.timeToRecoverMs ?? Number.NaN).toBeLessThanOrEqual(1000);
    // Recovery is never claimed before the last error the load saw.
    expect(a.end + (fault.timeToRecoverMs ?? 0)).toBeGreaterThanOrEqual(failed.at(-1)?.endMs ?? 0);
  }, 60_000);
});
