import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EngineResult } from "../../engine/config.js";
import { startServer } from "../../engine/testing/servers.js";
import { cliAsync } from "../testing/run-cli.js";

const bodyBytes = 64 * 1024;
const capBytes = 2_000_000;

/**
 * One VU whose single iteration fetches 64 KB answers 20,000 times (1.3 GB): the cap has to count requests as
 * they end, not iterations, to stop it.
 */
const script = `import http from "k6/http";
export const options = { scenarios: { s: { executor: "per-vu-iterations", vus: 1, iterations: 1, maxDuration: "60s", gracefulStop: "0s" } } };
export default async function () {
  for (let i = 0; i < 20_000; i++) await http.asyncRequest("GET", __ENV.URL);
}
`;

describe("exec under the byte cap", () => {
  it("a script that would move 1.3 GB stops soon after its bytes pass --max-bytes, saying why (exit 1)", async () => {
    const body = Buffer.alloc(bodyBytes, 120);
    await using server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(body);
    });
    const dir = mkdtempSync(join(tmpdir(), "ph-exec-caps-"));
    const file = join(dir, "big.js");
    writeFileSync(file, script);
    const run = await cliAsync(
      ["exec", file, "--env", `URL=${server.url}/big`, "--max-bytes", String(capBytes), "--json"],
      60_000,
    );
    expect(run.code, run.stderr).toBe(1);
    const result = EngineResult.parse(JSON.parse(run.stdout));
    expect(result.status).toBe("aborted-by-cap");
    expect(result.reason).toEqual([
      expect.stringMatching(
        /^stopped by caps\.maxBytes: \d+ bytes sent and received, over the cap of 2000000$/,
      ),
    ]);
    const counted = Number(/: (\d+) bytes/.exec(result.reason[0] ?? "")?.[1]);
    expect(counted).toBeGreaterThan(capBytes);
    // Stopped as the samples passing the cap were merged: a handful of requests past it, not 20,000.
    expect(server.requests * bodyBytes).toBeGreaterThan(capBytes);
    expect(server.requests).toBeLessThan(200);
    expect(result.iterations.interrupted).toBe(1);
  }, 90_000);

  it("refuses a cap above the hard ceiling before anything starts (exit 2, naming the flag)", async () => {
    const run = await cliAsync(["exec", "none.js", "--max-bytes", "1000000000000"], 30_000);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe("--max-bytes: 1000000000000 is above the hard cap of 100000000000 bytes");
  });
});
