import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../../kernel/testing/tools.js";
import { startInProcessMock } from "../../mocks/testing/in-process.js";
import type { Verdict } from "../../reports/verdict/schema.js";
import { startDefectProxy } from "../testing/defect-proxy.js";
import { buildCli, root, runOnceAsync } from "../testing/run-cli.js";

/**
 * A URL target that is not the harness's own mock: the mock's parts behind a small loopback proxy of our own,
 * reached by `run --target URL` through the harness's citizen link (real engine, real toxiproxy). The proxy
 * drops acknowledged dossiers, or hands one code to two submissions; the verdict must name each by code.
 */
beforeAll(() => {
  requireTool("toxiproxy");
  buildCli();
});

const demo = join(root, "examples", "demo.json");
const shortFlat = join(root, "examples", "profiles", "short-flat.json");
const criterion = (v: Verdict, id: string) => v.criteria.find((c) => c.id === id);

describe("a URL target behind a loopback proxy", () => {
  it("drops and shares are named by code, and the run fails", { timeout: 240_000 }, async () => {
    const mock = await startInProcessMock("healthy");
    try {
      await using proxy = await startDefectProxy(`http://127.0.0.1:${portOf(mock.gateway)}`, {
        drop: 3,
        dropFrom: 5,
        dropEvery: 4,
        shareAt: 8,
      });
      const run = await runOnceAsync([
        "run",
        "--config",
        demo,
        "--target",
        proxy.url,
        "--profile",
        shortFlat,
        "--faults",
        "none",
        "--scale",
        "1",
      ]);
      const d = run.verdict.dossiers;
      console.log(
        `url target: acknowledged ${d.acknowledged}, dropped ${[...proxy.dropped].join(", ")}, shared ${[...proxy.shared].join(", ")}; lost ${d.examples.lost.join(", ")}; code-shared ${d.examples.codeShared?.join("; ")}`,
      );
      expect(proxy.dropped.size).toBe(3);
      expect(proxy.shared.size).toBe(1);
      expect(new Set(d.examples.lost)).toEqual(proxy.dropped);
      expect(criterion(run.verdict, "dossiers-lost")).toMatchObject({ status: "failed", observed: 3 });
      const [shared] = [...proxy.shared];
      expect(d.examples.codeShared?.[0]).toContain(shared);
      expect(criterion(run.verdict, "dossiers-code-shared")).toMatchObject({ status: "failed", observed: 1 });
      expect(criterion(run.verdict, "dossiers-code-shared")?.note).toContain(shared);
      expect(run.verdict.outcome).toBe("failed");
      expect(run.code).toBe(1);
    } finally {
      await mock.close();
    }
  });

  it("passing everything through, it passes the demo's fault plan", { timeout: 300_000 }, async () => {
    const mock = await startInProcessMock("healthy");
    try {
      await using proxy = await startDefectProxy(`http://127.0.0.1:${portOf(mock.gateway)}`);
      const run = await runOnceAsync(["run", "--config", demo, "--target", proxy.url]);
      const failed = run.verdict.criteria.filter((c) => c.status === "failed");
      console.log(
        `url target, pass-through: ${run.verdict.outcome} (exit ${run.code}); acknowledged ${run.verdict.dossiers.acknowledged}; failed: ${failed.map((c) => `${c.id} ${c.observed}`).join(", ") || "none"}; inconclusive: ${run.verdict.inconclusiveReasons.join("; ") || "no"}`,
      );
      expect(proxy.acknowledged()).toBeGreaterThan(0);
      expect(failed).toEqual([]);
      for (const id of [
        "dossiers-lost",
        "dossiers-code-shared",
        "national-sync-missing",
        "national-sync-stale",
      ])
        expect(criterion(run.verdict, id)?.status).toBe("passed");
      expect(run.verdict.outcome).toBe("passed");
      expect(run.code).toBe(0);
    } finally {
      await mock.close();
    }
  });
});

const portOf = (app: { server: { address(): unknown } }): number =>
  (app.server.address() as { port: number }).port;
