import { describe, expect, it } from "vitest";
import { FaultPlan } from "./plan.js";
import { renderTimelineText } from "./timeline-text.js";

const plan = FaultPlan.parse({
  schemaVersion: 1,
  name: "t",
  faults: [
    {
      id: "slow",
      kind: "latency",
      link: "gateway-identity",
      startS: 10,
      durationS: 5,
      params: { latencyMs: 100 },
    },
    {
      id: "flap",
      kind: "flapping",
      link: "citizen-gateway",
      startS: 16,
      durationS: 4,
      params: { periodS: 2 },
    },
    {
      id: "ramp",
      kind: "ramp",
      link: "province-national",
      startS: 20,
      durationS: 8,
      params: { of: "latency", fromMs: 10, toMs: 40, steps: 4 },
    },
    { id: "blip", kind: "outage", link: "gateway-payment", startS: 28.2, durationS: 0.3 },
  ],
});

describe("renderTimelineText", () => {
  const lines = renderTimelineText({
    durationS: 30,
    levelAt: (t) => t / 30,
    peakRequestsPerS: 100,
    baselineS: 10,
    plan,
  });
  const row = (label: string) => (lines.find((l) => l.trimStart().startsWith(label)) ?? "").slice(28);

  it("draws one column per second beside the load and the baseline", () => {
    expect(lines[0]).toBe("Timeline (0-30 s after t0, the start of the load; 1 column = 1 s):");
    expect(lines[1]?.trim()).toBe("0s        10s       20s");
    expect(row("load")).toHaveLength(30);
    expect(row("load").startsWith(" ")).toBe(true);
    expect(row("load").endsWith("█")).toBe(true);
    expect(row("baseline")).toBe(`${"=".repeat(10)}${" ".repeat(20)}`);
  });

  it("shows each fault in its window, flapping switches, ramp steps and faults shorter than a column", () => {
    expect(row("slow")).toBe(`${"·".repeat(10)}█████${"·".repeat(15)}`);
    expect(row("flap")).toBe(`${"·".repeat(16)}█░█░${"·".repeat(10)}`);
    expect(row("ramp")).toBe(`${"·".repeat(20)}▂▂▄▄▆▆██··`);
    expect(row("blip")).toBe(`${"·".repeat(28)}█·`);
  });
});
