import { describe, expect, it } from "vitest";
import { applyRequestedAt, type ChaosEvent } from "./events.js";

const event = (
  phase: ChaosEvent["phase"],
  requestedMs: number,
  more: Partial<ChaosEvent> = {},
): ChaosEvent => ({
  faultId: "f1",
  kind: "latency",
  link: "citizen-gateway",
  phase,
  outcome: "ok",
  plannedMs: requestedMs,
  requestedMs,
  appliedMs: requestedMs + 3,
  ...more,
});

// `appliedTimes` is table-tested where the verdict reads it (reports/verdict/criteria/faults.test.ts).
describe("when a fault's apply was sent", () => {
  it.each<[string, ChaosEvent[], number | null]>([
    ["never applied", [], null],
    ["the apply that took effect", [event("apply", 15_002), event("remove", 25_000)], 15_002],
    [
      "a failed apply does not count",
      [event("apply", 15_000, { outcome: "error" }), event("apply", 15_200, { outcome: "recreated" })],
      15_200,
    ],
    ["another fault's apply is not its own", [event("apply", 1000, { faultId: "f2" })], null],
  ])("%s", (_, events, expected) => {
    expect(applyRequestedAt("f1", events)).toBe(expected);
  });
});
