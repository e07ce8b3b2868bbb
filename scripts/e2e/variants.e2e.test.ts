import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../../kernel/testing/tools.js";
import { buildCli, configFile, root, runOnce } from "../testing/run-cli.js";

/**
 * Faulty variants of the mock portal must be caught by reconciliation: real runs on the load engine, real
 * toxiproxy.
 * Each variant gets the fault that exposes its defect (see reports/testing/plans/).
 */
beforeAll(() => {
  requireTool("toxiproxy");
  buildCli();
});

describe("dossier reconciliation catches faulty portals", () => {
  it("async-replication-loss: a failover loses acknowledged dossiers, named by code, and the run fails", () => {
    const run = runOnce([
      "run",
      "--config",
      configFile({ faults: join(root, "reports", "testing", "plans", "primary-outage.json") }),
      "--variant",
      "async-replication-loss",
    ]);
    const d = run.verdict.dossiers;
    console.log(
      `async-replication-loss: acknowledged ${d.acknowledged}, lost ${d.lost}, e.g. ${d.examples.lost.slice(0, 3).join(", ")}`,
    );
    expect(d.lost).toBeGreaterThan(0);
    expect(d.examples.lost.length).toBeGreaterThan(0);
    for (const code of d.examples.lost) expect(code).toMatch(/^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$/);
    expect(run.verdict.criteria.find((c) => c.id === "dossiers-lost")).toMatchObject({
      passed: false,
      observed: d.lost,
    });
    expect(run.verdict.failover.durationMs.value).not.toBeNull();
    expect(run.verdict.outcome).toBe("failed");
    expect(run.code).toBe(1);
  });

  it("no-idempotency: retried submissions make second dossiers, named by code, and the run fails", () => {
    const run = runOnce([
      "run",
      "--config",
      // Replies held back past a 1 s request timeout: the portal got the submission, the citizen retries.
      configFile(
        { faults: join(root, "reports", "testing", "plans", "lost-replies.json") },
        { requestTimeoutS: 1 },
      ),
      "--variant",
      "no-idempotency",
    ]);
    const d = run.verdict.dossiers;
    console.log(
      `no-idempotency: acknowledged ${d.acknowledged}, duplicated ${d.duplicated}, e.g. ${d.examples.duplicated.slice(0, 2).join("; ")}`,
    );
    expect(d.duplicated).toBeGreaterThan(0);
    expect(d.examples.duplicated[0]).toMatch(/^\S+-\d{4} \+ \S+-\d{4}/);
    expect(run.verdict.criteria.find((c) => c.id === "dossiers-duplicated")).toMatchObject({
      passed: false,
      observed: d.duplicated,
    });
    expect(run.verdict.outcome).toBe("failed");
    expect(run.code).toBe(1);
  });
});
