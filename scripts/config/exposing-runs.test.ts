import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../kernel/errors.js";
import { projectRoot } from "../../kernel/paths.js";
import { mockVariantNames } from "../../mocks/variants.js";
import { catalogueEntry } from "../../reports/verdict/catalogue.js";
import { buildRunPlan } from "../run/plan.js";
import {
  catchingCriteria,
  configPath,
  exposingRun,
  exposingRuns,
  faultyVariants,
  variantTable,
} from "./exposing-runs.js";
import { loadRunConfig } from "./load.js";

const planOf = (variant: (typeof faultyVariants)[number]) =>
  buildRunPlan(loadRunConfig({ config: configPath(exposingRuns[variant].config) }));

describe("exposing runs: one per faulty variant", () => {
  it("maps every faulty variant, and nothing else", () => {
    expect(Object.keys(exposingRuns).sort()).toEqual(mockVariantNames.filter((v) => v !== "healthy").sort());
  });

  it.each(faultyVariants)(
    "%s: its config is valid, aims at the variant, and keeps the load short",
    (variant) => {
      const plan = planOf(variant);
      expect(plan.config.target).toEqual({ kind: "mock", variant });
      // The full selftest must stay short on two cores.
      expect(plan.compiled.durationS).toBeLessThanOrEqual(75);
    },
  );

  it("names criteria the catalogue knows", () => {
    for (const id of catchingCriteria()) expect(catalogueEntry(id)?.id, id).toBe(id);
  });

  it("puts the primary's loss longer than the failover limit and the slow variant's promotion delay", () => {
    for (const variant of ["no-failover", "slow-failover"] as const) {
      const plan = planOf(variant);
      const loss = plan.faults.faults.find(
        (f) => f.link === "gateway-dossier-primary" && f.kind === "outage",
      );
      expect(loss?.durationS).toBeGreaterThan(20);
      expect(loss?.durationS).toBeGreaterThan(plan.config.criteria.failoverWithinS);
    }
  });

  it("reaches each defect on the link it needs", () => {
    const links = (v: (typeof faultyVariants)[number]) =>
      planOf(v).faults.faults.map((f) => `${f.kind} ${f.link}`);
    expect(links("payment-callback-lost")).toEqual(["outage payment-callback"]);
    expect(links("identity-cascade")).toEqual(["latency gateway-identity"]);
    expect(links("async-replication-loss")).toEqual([
      "outage primary-standby",
      "outage gateway-dossier-primary",
    ]);
    expect(links("no-idempotency")).toEqual(["latency citizen-gateway"]);
    // Replies held back longer than the request timeout, so the citizen retries.
    const noIdem = planOf("no-idempotency");
    expect(noIdem.faults.faults[0]?.params).toMatchObject({ latencyMs: 1500 });
    expect(noIdem.config.safety.requestTimeoutS).toBeLessThan(1.5);
    // More than one national-sync session (30 s) of submissions.
    expect(planOf("silent-sync-stall").compiled.durationS).toBeGreaterThan(2 * 30 - 15);
  });

  it("finds a variant's run by name; healthy or an unknown name is bad input", () => {
    expect(exposingRun("no-failover").catchers).toEqual(["failover"]);
    for (const name of ["healthy", "no-such-variant"]) {
      let code: number | null = null;
      try {
        exposingRun(name);
      } catch (e) {
        code = isHarnessError(e) ? e.exitCode : null;
      }
      expect(code, name).toBe(2);
    }
  });
});

describe("mocks/README.md", () => {
  it("holds the variant table made from the mapping", () => {
    const readme = readFileSync(join(projectRoot(), "mocks", "README.md"), "utf8");
    const table = /<!-- variant-table:start -->\n([\s\S]*?)\n<!-- variant-table:end -->/.exec(readme)?.[1];
    expect(
      table,
      "the README's table differs from scripts/config/exposing-runs.ts; paste variantTable()",
    ).toBe(variantTable());
  });
});
