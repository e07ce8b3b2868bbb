import { describe, expect, it } from "vitest";
import type { FaultEntry } from "../../chaos/plan.js";
import { entryFaults, perRequestHoldS } from "./vu-sizing.js";

const fault = (kind: string, link: string, params: Record<string, unknown> = {}): FaultEntry =>
  ({ id: `${kind}-x`, kind, link, startS: 15, durationS: 10, params }) as FaultEntry;

describe("VU sizing from the fault plan", () => {
  it.each<[string, FaultEntry, number]>([
    ["latency with jitter", fault("latency", "citizen-gateway", { latencyMs: 300, jitterMs: 50 }), 0.35],
    [
      "a latency ramp, at its top",
      fault("ramp", "citizen-gateway", { of: "latency", fromMs: 50, toMs: 900 }),
      0.9,
    ],
    ["an outage: refused, then the retry wait", fault("outage", "citizen-gateway"), 2],
    ["a blackhole: held to the request timeout", fault("blackhole", "citizen-gateway"), 10],
    [
      "a bandwidth cap: up to the request timeout",
      fault("bandwidth", "citizen-gateway", { rateKBps: 1 }),
      10,
    ],
  ])("one request is held by %s", (_, f, expected) => {
    expect(perRequestHoldS(f, 10)).toBeCloseTo(expected, 9);
  });

  it.each<[string, "mock" | "url", Array<[string, number]>]>([
    [
      "the mock: each entry is held by the faults on its own link and on the links behind the gateway it calls",
      "mock",
      [
        ["citizen", 0.3],
        ["citizen", 2],
        ["officer", 2],
        ["officer", 2],
      ],
    ],
    [
      "a URL target: officers share the citizens' link (the mock's officer link does not exist there)",
      "url",
      [
        ["citizen", 0.3],
        ["officer", 0.3],
      ],
    ],
  ])("%s", (_, kind, entries) => {
    const faults = [
      fault("latency", "citizen-gateway", { latencyMs: 300 }),
      fault("outage", "gateway-dossier-primary"),
      ...(kind === "mock" ? [fault("outage", "officer-gateway")] : []),
    ];
    expect(entryFaults(faults, kind, 10)).toEqual(
      entries.map(([entry, perRequestS]) => ({ entry, perRequestS, durationS: 10 })),
    );
  });
});
