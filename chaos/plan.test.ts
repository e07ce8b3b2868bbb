import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../kernel/paths.js";
import { formatIssues, parseJsonFile } from "../kernel/validate.js";
import { FaultPlan } from "./plan.js";

const plan = (faults: unknown[]) => ({ schemaVersion: 1, name: "p", faults });

describe("FaultPlan", () => {
  it("parses every checked-in plan", () => {
    const dir = join(projectRoot(), "chaos", "plans");
    const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(files).toEqual(expect.arrayContaining(["demo.json", "none.json", "july1-incidents.json"]));
    for (const f of files) expect(() => parseJsonFile(FaultPlan, join(dir, f))).not.toThrow();
  });

  it("reports every invalid field of a file, with its path", () => {
    const result = FaultPlan.safeParse(
      plan([
        {
          id: "a",
          kind: "latency",
          link: "citizen-gateway",
          startS: 10,
          durationS: 5,
          params: { latencyMs: -1 },
        },
        { id: "b", kind: "bandwidth", link: "nowhere", startS: -1, durationS: 5, params: { rateKBps: 0 } },
        {
          id: "c",
          kind: "slicer",
          link: "citizen-gateway",
          startS: 1,
          durationS: 1,
          params: { averageSize: 10, sizeVariation: 20 },
        },
        { id: "d", kind: "no-such-kind", link: "citizen-gateway", startS: 1, durationS: 1 },
      ]),
    );
    expect(result.success).toBe(false);
    const lines = result.success ? [] : formatIssues("plan.json", result.error);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^plan\.json: faults\[0\]\.params\.latencyMs: /),
        expect.stringMatching(/^plan\.json: faults\[1\]\.link: /),
        expect.stringMatching(/^plan\.json: faults\[1\]\.startS: /),
        expect.stringMatching(/^plan\.json: faults\[1\]\.params\.rateKBps: /),
        expect.stringMatching(/^plan\.json: faults\[2\]\.params\.sizeVariation: must be smaller/),
        expect.stringMatching(/^plan\.json: faults\[3\]\.kind: /),
      ]),
    );
  });

  it("refuses two faults that switch the same link off at overlapping times", () => {
    const result = FaultPlan.safeParse(
      plan([
        { id: "a", kind: "outage", link: "province-national", startS: 10, durationS: 10 },
        {
          id: "b",
          kind: "flapping",
          link: "province-national",
          startS: 15,
          durationS: 10,
          params: { periodS: 1 },
        },
        { id: "c", kind: "outage", link: "province-national", startS: 20, durationS: 1 },
        {
          id: "d",
          kind: "latency",
          link: "province-national",
          startS: 12,
          durationS: 5,
          params: { latencyMs: 5 },
        },
      ]),
    );
    expect(result.success).toBe(false);
    const lines = result.success ? [] : formatIssues("p", result.error);
    expect(lines).toEqual([
      "p: faults[1].startS: overlaps faults[0] (a): both switch province-national off",
      "p: faults[2].startS: overlaps faults[1] (b): both switch province-national off",
    ]);
  });

  it("refuses duplicate ids and faults with too many admin steps", () => {
    const result = FaultPlan.safeParse(
      plan([
        { id: "a", kind: "outage", link: "citizen-gateway", startS: 10, durationS: 1 },
        {
          id: "a",
          kind: "flapping",
          link: "officer-gateway",
          startS: 10,
          durationS: 3600,
          params: { periodS: 0.5 },
        },
      ]),
    );
    const lines = result.success ? [] : formatIssues("p", result.error);
    expect(lines).toEqual([
      "p: faults[1].id: duplicate id a",
      "p: faults[1].params: 14401 admin steps over 3600 s; at most 2000",
    ]);
  });

  it("fills defaults: downstream, every connection, outage and blackhole without params", () => {
    const parsed = FaultPlan.parse(
      plan([
        { id: "a", kind: "blackhole", link: "citizen-gateway", startS: 1, durationS: 1 },
        {
          id: "b",
          kind: "latency",
          link: "citizen-gateway",
          startS: 1,
          durationS: 1,
          params: { latencyMs: 5 },
        },
      ]),
    );
    expect(parsed.faults[0]?.params).toEqual({ timeoutMs: 0, stream: "downstream", toxicity: 1 });
    expect(parsed.faults[1]?.params).toEqual({
      latencyMs: 5,
      jitterMs: 0,
      stream: "downstream",
      toxicity: 1,
    });
  });
});
