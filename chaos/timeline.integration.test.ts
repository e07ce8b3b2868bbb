import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../kernel/sleep.js";
import { median, startEchoServer } from "../kernel/testing/servers.js";
import type { ChaosEvent } from "./events.js";
import { FaultPlan } from "./plan.js";
import { rawGet, timedGet, within } from "./testing/raw-http.js";
import { startToxiproxyFixture, type ToxiproxyFixture } from "./testing/toxiproxy-fixture.js";
import { Timeline } from "./timeline.js";
import { linkNames } from "./topology.js";

describe("Timeline against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  const ports = new Map<string, number>();
  const proxyFor = (link: string) => `tl-${link}`;

  beforeAll(async () => {
    echo = await startEchoServer("timeline");
    toxi = await startToxiproxyFixture();
    for (const link of linkNames) ports.set(link, (await toxi.proxy(proxyFor(link), echo.port)).port);
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  const portOf = (link: string): number => ports.get(link) ?? -1;

  const run = (faults: unknown[]) => {
    const plan = FaultPlan.parse({ schemaVersion: 1, name: "t", faults });
    const events: ChaosEvent[] = [];
    const t0 = performance.now();
    const timeline = new Timeline({
      client: toxi.client,
      plan,
      proxyFor,
      t0,
      onEvent: (e) => events.push(e),
    });
    timeline.start();
    return { timeline, events, t0, at: () => performance.now() - t0 };
  };

  const expectClean = async () => {
    for (const link of linkNames)
      expect(await toxi.client.getProxy(proxyFor(link))).toMatchObject({ enabled: true, toxics: [] });
  };

  it("applies every fault of a 10-fault plan within 250 ms of plan (goal 100 ms), and removes them all", async () => {
    const kinds: Array<[string, unknown]> = [
      ["latency", { latencyMs: 100 }],
      ["bandwidth", { rateKBps: 100 }],
      ["outage", {}],
      ["blackhole", {}],
      ["reset-peer", {}],
      ["slow-close", { delayMs: 100 }],
      ["limit-data", { bytes: 10 }],
      ["slicer", { averageSize: 10, sizeVariation: 2, delayUs: 1000 }],
      ["flapping", { periodS: 0.2 }],
      ["ramp", { of: "latency", fromMs: 50, toMs: 200, steps: 3 }],
    ];
    const faults = kinds.map(([kind, params], i) => ({
      id: `f${i}`,
      kind,
      link: linkNames[i],
      startS: 0.3 + 0.2 * i,
      durationS: 0.6,
      params,
    }));
    const { timeline, events, at } = run(faults);
    // The outage is in force from 0.7 s to 1.3 s: new connections are refused.
    while (at() < 1000) await sleep(20);
    expect((await rawGet(portOf(linkNames[2] as string), 1000)).errorCode).toBe("ECONNREFUSED");
    await timeline.done();
    const skews = events.map((e) => e.appliedMs - e.plannedMs);
    const applies = events.filter((e) => e.phase === "apply");
    expect(applies).toHaveLength(10);
    expect(events.filter((e) => e.phase === "remove")).toHaveLength(10);
    expect(events.every((e) => e.outcome === "ok")).toBe(true);
    const worst = Math.max(...applies.map((e) => e.appliedMs - e.plannedMs));
    console.log(
      `start skew over ${applies.length} faults: median ${median(applies.map((e) => e.appliedMs - e.plannedMs)).toFixed(1)} ms, max ${worst.toFixed(1)} ms; all ${events.length} steps max ${Math.max(...skews).toFixed(1)} ms`,
    );
    for (const e of applies) expect(e.appliedMs - e.plannedMs, e.faultId).toBeGreaterThanOrEqual(0);
    expect(worst, "required: 250 ms").toBeLessThanOrEqual(250);
    expect(worst, "goal: 100 ms").toBeLessThanOrEqual(100);
    expect(Math.max(...skews), "every step, not just starts").toBeLessThanOrEqual(250);
    await expectClean();
  });

  it("records each switch of a flapping link, and the link follows them", async () => {
    const link = "officer-gateway";
    const { timeline, events, at } = run([
      {
        id: "flap",
        kind: "flapping",
        link,
        startS: 0.4,
        durationS: 2,
        params: { periodS: 1, downFraction: 0.5 },
      },
    ]);
    const probes: Array<{ t: number; up: boolean }> = [];
    while (at() < 2800) {
      const t = at();
      const r = await rawGet(portOf(link), 300);
      probes.push({ t, up: r.errorCode === null && r.bytes > 0 });
      await sleep(25);
    }
    await timeline.done();
    expect(events.map((e) => `${e.phase}:${e.step}@${e.plannedMs}`)).toEqual([
      "apply:down 1/2@400",
      "step:up 1/2@900",
      "step:down 2/2@1400",
      "step:up 2/2@1900",
      "remove:up (end)@2400",
    ]);
    // Down in [0.4, 0.9) and [1.4, 1.9) s: check probes at least 100 ms away from a switch.
    const down = (t: number) => (t >= 400 && t < 900) || (t >= 1400 && t < 1900);
    const edges = [400, 900, 1400, 1900];
    const clear = probes.filter((p) => edges.every((e) => Math.abs(p.t - e) > 100));
    expect(clear.length).toBeGreaterThan(20);
    const wrong = clear.filter((p) => p.up === down(p.t));
    expect(wrong, JSON.stringify(wrong)).toHaveLength(0);
    await expectClean();
  });

  it("ramps latency up step by step with updates in place, each level within 10 % or 20 ms", async () => {
    const link = "gateway-identity";
    const port = portOf(link);
    const base = median([await timedGet(port), await timedGet(port), await timedGet(port)]);
    const { timeline, events, at } = run([
      {
        id: "ramp",
        kind: "ramp",
        link,
        startS: 0.2,
        durationS: 4,
        params: { of: "latency", fromMs: 100, toMs: 400, steps: 4 },
      },
    ]);
    const measured: number[] = [];
    for (let i = 0; i < 4; i++) {
      while (at() < 200 + i * 1000 + 150) await sleep(10);
      measured.push((await timedGet(port)) - base);
    }
    await timeline.done();
    for (const [i, level] of [100, 200, 300, 400].entries()) {
      const got = measured[i] ?? -1;
      expect(within(got, level, 0.1, 20), `step ${i + 1}: ${got.toFixed(0)} ms`).toBe(true);
    }
    expect(events.map((e) => `${e.phase}:${e.step}`)).toEqual([
      "apply:latency 100 ms (1/4)",
      "step:latency 200 ms (2/4)",
      "step:latency 300 ms (3/4)",
      "step:latency 400 ms (4/4)",
      "remove:remove",
    ]);
    await expectClean();
  });

  it("stop() cancels what has not started and removes what is in force, recording the removal", async () => {
    const { timeline, events, at } = run([
      {
        id: "on",
        kind: "latency",
        link: "gateway-payment",
        startS: 0.1,
        durationS: 30,
        params: { latencyMs: 50 },
      },
      { id: "down", kind: "outage", link: "gateway-documents", startS: 0.1, durationS: 30, params: {} },
      { id: "later", kind: "outage", link: "gateway-meetings", startS: 20, durationS: 1, params: {} },
    ]);
    while (at() < 400) await sleep(20);
    expect((await toxi.client.getProxy(proxyFor("gateway-documents")))?.enabled).toBe(false);
    await timeline.stop();
    expect(
      events
        .filter((e) => e.phase === "remove")
        .map((e) => `${e.faultId}:${e.step}`)
        .sort(),
    ).toEqual(["down:removed at stop", "on:removed at stop"]);
    expect(events.some((e) => e.faultId === "later")).toBe(false);
    await expectClean();
  });
});
