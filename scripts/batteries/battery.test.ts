import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../kernel/errors.js";
import type { Target } from "../config/run-config.js";
import { buildRunPlan } from "../run/plan.js";
import { batteryRunConfig, builtinBatteries, loadBattery } from "./battery.js";

const limits = { openFiles: { soft: 1_000_000, hard: 1_000_000 }, localPorts: { min: 1024, max: 65535 } };
const mock: Target = { kind: "mock", variant: "healthy" };
const url: Target = { kind: "url", baseUrl: "http://127.0.0.1:9/portal", allowHosts: [] };

const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return null;
};

describe("built-in batteries", () => {
  it("are the three workflows' batteries", () => {
    expect(builtinBatteries()).toEqual(["certify", "gate", "inspect"]);
  });

  for (const name of ["gate", "inspect", "certify"] as const) {
    it(`${name}: plans against the mock and against a URL target within its own safety limits`, () => {
      const loaded = loadBattery(name, name);
      for (const target of [mock, url]) {
        const plan = buildRunPlan(batteryRunConfig(loaded, target, { seed: 7 }), limits);
        expect(plan.compiled.durationS).toBeLessThanOrEqual(loaded.battery.safety.maxDurationS);
        expect(plan.faults.faults.length).toBeGreaterThan(0);
        if (target.kind === "url")
          expect(new Set(plan.faults.faults.map((f) => f.link))).toEqual(new Set(["citizen-gateway"]));
      }
    });
  }

  it("certify fault plan on the mock reaches failover, identity, the meeting platform and national sync", () => {
    const plan = buildRunPlan(batteryRunConfig(loadBattery("certify", "certify"), mock, { seed: 1 }), limits);
    expect(plan.faults.faults.map((f) => f.link).sort()).toEqual([
      "gateway-dossier-primary",
      "gateway-identity",
      "gateway-meetings",
      "province-national",
    ]);
  });

  it("inspect draws its plan from the seed: the same seed the same plan, another seed another", () => {
    const loaded = loadBattery("inspect", "inspect");
    const a = buildRunPlan(batteryRunConfig(loaded, mock, { seed: 11 }), limits).faults;
    const b = buildRunPlan(batteryRunConfig(loaded, mock, { seed: 11 }), limits).faults;
    const c = buildRunPlan(batteryRunConfig(loaded, mock, { seed: 12 }), limits).faults;
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

describe("bad battery input", () => {
  it("an unknown battery is exit 2 naming the known ones", () => {
    const e = thrown(() => loadBattery("nightly", "gate"));
    expect(isHarnessError(e) && e.exitCode).toBe(2);
    expect(isHarnessError(e) && e.lines.join("\n")).toMatch(
      /unknown battery "nightly"[\s\S]*hint: .*certify, gate, inspect/,
    );
  });

  it("a battery of another workflow is refused", () => {
    const e = thrown(() => loadBattery("certify", "gate"));
    expect(isHarnessError(e) && e.lines[0]).toMatch(
      /workflow: the battery "certify" is for certify, not gate/,
    );
  });

  it("a scale that breaks the battery's safety limits is refused by the plan", () => {
    const e = thrown(() =>
      buildRunPlan(batteryRunConfig(loadBattery("inspect", "inspect"), mock, { seed: 1, scale: 10 }), limits),
    );
    expect(isHarnessError(e) && e.exitCode).toBe(2);
    expect(isHarnessError(e) && e.lines.join("\n")).toMatch(/maxRequestsPerS/);
  });
});
