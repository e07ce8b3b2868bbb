import { describe, expect, it } from "vitest";
import type { Measured } from "../../metrics/figures.js";
import { failoverCriteria, takesPrimary } from "./failover.js";

describe("failover", () => {
  it.each<[string, string, boolean]>([
    ["outage", "gateway-dossier-primary", true],
    ["blackhole", "gateway-dossier-primary", true],
    ["reset-peer", "gateway-dossier-primary", true],
    ["latency", "gateway-dossier-primary", false],
    ["outage", "gateway-dossier-standby", false],
    ["outage", "citizen-gateway", false],
  ])("%s on %s takes the primary away: %s", (kind, link, expected) => {
    expect(takesPrimary({ kind, link })).toBe(expected);
  });

  const primaryOutage = [
    { kind: "latency", link: "citizen-gateway" },
    { kind: "outage", link: "gateway-dossier-primary" },
  ];
  it.each<
    [
      string,
      Array<{ kind: string; link: string }>,
      Measured,
      number | undefined,
      Array<[string, number | null, string | undefined]>,
    ]
  >([
    [
      "no fault takes the primary away: not judged",
      [{ kind: "latency", link: "gateway-dossier-primary" }],
      { value: 900 },
      10,
      [
        [
          "not-judged",
          900,
          "not exercised in this run: no fault in the plan takes the primary dossier service away",
        ],
      ],
    ],
    [
      "no limit in the run config: not judged",
      primaryOutage,
      { value: 900 },
      undefined,
      [
        [
          "not-judged",
          900,
          "not exercised in this run: the run config sets no failover limit (failoverWithinS)",
        ],
      ],
    ],
    ["failed over in time", primaryOutage, { value: 9000 }, 10, [["passed", 9000, undefined]]],
    ["at the limit", primaryOutage, { value: 10_000 }, 10, [["passed", 10_000, undefined]]],
    ["too slow", primaryOutage, { value: 10_001 }, 10, [["failed", 10_001, undefined]]],
    [
      "never failed over: fails with the figure's reason",
      primaryOutage,
      { value: null, reason: "no dossier write succeeded after the primary was lost, before the run ended" },
      10,
      [["failed", null, "no dossier write succeeded after the primary was lost, before the run ended"]],
    ],
  ])("%s: always listed", (_, faults, durationMs, withinS, expected) => {
    const got = failoverCriteria(faults, durationMs, withinS);
    expect(got.map((c) => [c.status, c.observed, c.reason ?? c.note])).toEqual(expected);
    for (const c of got)
      expect(c).toMatchObject({
        id: "failover",
        title: "Failover: primary loss to first successful write on the standby",
        threshold: (withinS ?? 0) * 1000,
        unit: "ms",
      });
  });
});
