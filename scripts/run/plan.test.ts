import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { targetLinks } from "../../chaos/target-links.js";
import { linkNames } from "../../chaos/topology.js";
import { hardCaps } from "../../engine/config.js";
import { isHarnessError } from "../../kernel/errors.js";
import { projectRoot } from "../../kernel/paths.js";
import { RunConfig } from "../config/run-config.js";
import { buildRunPlan } from "./plan.js";

const planWith = (link: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), "ph-plan-")), "faults.json");
  writeFileSync(
    file,
    JSON.stringify({
      schemaVersion: 1,
      name: "one-fault",
      faults: [{ id: "cut", kind: "outage", link, startS: 12, durationS: 5, params: {} }],
    }),
  );
  return file;
};

const config = (target: unknown, faults: string) =>
  RunConfig.parse({
    schemaVersion: 1,
    target,
    profile: join(projectRoot(), "examples", "profiles", "short-flat.json"),
    faults,
  });

describe("run plan: faults only on links the target has", () => {
  it("the mock has every link of the topology", () => {
    expect([...targetLinks({ kind: "mock", variant: "healthy" })].sort()).toEqual([...linkNames].sort());
  });

  it("accepts a fault on the primary dossier link for the mock", () => {
    const plan = buildRunPlan(
      config({ kind: "mock", variant: "healthy" }, planWith("gateway-dossier-primary")),
    );
    expect(plan.faults.faults[0]?.link).toBe("gateway-dossier-primary");
  });

  it("refuses a fault inside a URL target, naming the file, the field and the links it has", () => {
    const faults = planWith("gateway-dossier-primary");
    expect(() => buildRunPlan(config({ kind: "url", baseUrl: "http://127.0.0.1:9/" }, faults))).toThrowError(
      expect.objectContaining({
        message: expect.stringContaining(
          `${faults}: faults[0].link: gateway-dossier-primary is inside the target`,
        ),
      }),
    );
  });

  it("accepts a fault on the citizen link of a URL target", () => {
    const plan = buildRunPlan(
      config({ kind: "url", baseUrl: "http://127.0.0.1:9/" }, planWith("citizen-gateway")),
    );
    expect(plan.faults.faults).toHaveLength(1);
  });
});

describe("run plan: VU pools sized for the target kind", () => {
  const demo = (target: unknown) =>
    buildRunPlan(
      RunConfig.parse({ schemaVersion: 1, target, profile: "july1-peak", faults: "demo", scale: 0.02 }),
    );
  const pool = (plan: ReturnType<typeof demo>, exec: string) => {
    const s = plan.compiled.scenarios.find((x) => x.exec === exec);
    if (!s) throw new Error(`no ${exec} scenario`);
    return s;
  };

  it("on a URL target the demo's faults on the citizens' link hold officers too, and their pools grow", () => {
    const mock = demo({ kind: "mock", variant: "healthy" });
    const url = demo({ kind: "url", baseUrl: "http://127.0.0.1:9/" });
    for (const exec of ["officer", "report", "meeting"]) {
      if (!mock.compiled.scenarios.some((s) => s.exec === exec)) continue;
      expect(pool(url, exec).maxVUs, exec).toBeGreaterThanOrEqual(pool(mock, exec).maxVUs);
    }
    const officer = pool(url, "officer");
    // The outage holds an officer iteration up to min(requests × 2 s retry wait, 5 s + 2 s).
    const heldS = 1.5 + Math.min(officer.requestsPerIteration * 2, 7);
    expect(officer.preAllocatedVUs).toBe(
      Math.max(pool(mock, "officer").preAllocatedVUs, Math.ceil(officer.peakIterationsPerS * heldS)),
    );
    expect(officer.preAllocatedVUs).toBeGreaterThan(pool(mock, "officer").preAllocatedVUs);
    // The citizens' pools are the same either way: they use that link on both.
    expect(pool(url, "submit")).toEqual(pool(mock, "submit"));
  });
});

describe("run plan: the safety limits, under the engine's hard caps", () => {
  const withSafety = (safety: Record<string, unknown>) =>
    RunConfig.parse({
      schemaVersion: 1,
      profile: join(projectRoot(), "examples", "profiles", "short-flat.json"),
      faults: "none",
      safety,
    });

  it("refuses a plan over safety.maxVUs, safety.maxRequestsPerS or safety.maxDurationS, naming each", () => {
    const plan = buildRunPlan(withSafety({}));
    const vus = plan.compiled.scenarios.reduce((sum, s) => sum + s.maxVUs, 0);
    let lines: readonly string[] = [];
    try {
      buildRunPlan(
        withSafety({
          maxVUs: vus - 1,
          maxRequestsPerS: plan.compiled.totalPeakRequestsPerS / 2,
          maxDurationS: plan.compiled.durationS - 1,
        }),
      );
    } catch (e) {
      lines = isHarnessError(e) && e.exitCode === 2 ? e.lines : [];
    }
    expect(lines).toHaveLength(3);
    expect(lines.join("\n")).toContain(`above safety.maxVUs ${vus - 1}`);
    expect(lines.join("\n")).toContain("above safety.maxRequestsPerS");
    expect(lines.join("\n")).toContain("above safety.maxDurationS");
  });

  it("a config cannot raise a limit past the hard cap", () => {
    for (const [field, cap] of [
      ["maxVUs", hardCaps.maxVUs],
      ["maxRequestsPerS", hardCaps.maxRatePerS],
      ["maxDurationS", hardCaps.maxDurationS],
      ["maxBytes", hardCaps.maxBytes],
    ] as const) {
      const parsed = RunConfig.safeParse({ schemaVersion: 1, safety: { [field]: cap + 1 } });
      expect(parsed.error?.issues[0]?.path, field).toEqual(["safety", field]);
      expect(RunConfig.safeParse({ schemaVersion: 1, safety: { [field]: cap } }).success, field).toBe(true);
    }
  });
});
