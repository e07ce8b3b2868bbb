import { describe, expect, it } from "vitest";
import { runScript } from "./testing/engine-run.js";
import { startServer } from "./testing/servers.js";

describe("the engine's error-rate cap", () => {
  it("stops a test whose requests fail past caps.maxErrorRate once the grace is over (aborted-by-cap)", async () => {
    await using server = await startServer((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    const run = await runScript(
      `import http from "k6/http";
       export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 50, timeUnit: "1s", duration: "20s", preAllocatedVUs: 5, gracefulStop: "0s" } } };
       export default async function () { await http.asyncRequest("GET", __ENV.URL); }`,
      {
        env: { URL: server.url },
        warmUp: false,
        printSummary: false,
        caps: { maxErrorRate: 0.5, errorRateGraceS: 2, errorRateMinRequests: 20 },
      },
    );
    expect(run.result?.status).toBe("aborted-by-cap");
    expect(run.result?.exitCode).toBe(1);
    expect(run.result?.reason[0]).toMatch(
      /^stopped by caps\.maxErrorRate: \d+ of \d+ requests failed \(100\.0 %\)/,
    );
    expect(run.result?.durationMs).toBeLessThan(8000);
    expect(server.requests).toBeLessThan(400);
  }, 60_000);
});
