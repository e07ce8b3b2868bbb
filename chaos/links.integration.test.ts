import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSameProcess } from "../kernel/processes.js";
import { findLeftovers, type RunState, stateFile } from "../kernel/run-state.js";
import { goneOwner, startSleeper } from "../kernel/testing/processes.js";
import { type LoopbackServer, median, startEchoServer, timeGet } from "../kernel/testing/servers.js";
import { cleanLeftovers } from "./leftovers.js";
import { startToxiproxyFixture, type ToxiproxyFixture } from "./testing/toxiproxy-fixture.js";
import type { ToxiproxyClient } from "./toxiproxy-client.js";

/** Real toxiproxy between a real HTTP client and a real HTTP server on loopback. */
describe("toxiproxy links (real toxiproxy)", () => {
  let toxi: ToxiproxyFixture;
  let client: ToxiproxyClient;
  let echo: LoopbackServer;
  let proxyPort: number;

  beforeAll(async () => {
    toxi = await startToxiproxyFixture();
    client = toxi.client;
    console.log(`toxiproxy ${await client.version()} at ${toxi.adminUrl}`);
    echo = await startEchoServer();
    proxyPort = (await toxi.proxy("t-link", echo.port)).port;
  });

  afterAll(async () => {
    await echo?.close();
    await toxi?.stop();
  });

  const sample = async (n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await timeGet(`http://127.0.0.1:${proxyPort}/`)).ms);
    return out;
  };

  it("a 200 ms latency toxic raises the median request time by 200 ms (within 10 % or 20 ms, whichever is larger)", async () => {
    const before = median(await sample(20));
    await client.addToxic("t-link", {
      name: "lat",
      type: "latency",
      stream: "downstream",
      toxicity: 1,
      attributes: { latency: 200, jitter: 0 },
    });
    const during = median(await sample(15));
    await client.removeToxic("t-link", "lat");
    const after = median(await sample(20));
    const added = during - before;
    const tolerance = Math.max(0.1 * 200, 20);
    console.log(
      `median before ${before.toFixed(1)} ms, with toxic ${during.toFixed(1)} ms (+${added.toFixed(1)} ms)`,
    );
    expect(Math.abs(added - 200)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(after - before)).toBeLessThanOrEqual(tolerance);
  });

  it("a disabled proxy refuses connections and re-enabling restores them", async () => {
    expect((await timeGet(`http://127.0.0.1:${proxyPort}/`)).status).toBe(200);
    await client.setEnabled("t-link", false);
    await expect(timeGet(`http://127.0.0.1:${proxyPort}/`, 2000)).rejects.toThrow();
    await client.setEnabled("t-link", true);
    expect((await timeGet(`http://127.0.0.1:${proxyPort}/`)).status).toBe(200);
  });

  it("leftover proxies and processes of a crashed run are found and cleaned; nothing else is touched", async () => {
    const outRoot = mkdtempSync(join(tmpdir(), "ph-leftovers-"));
    const runDir = join(outRoot, "crashed-run");
    mkdirSync(runDir);
    // The crashed run's owner, gone; a child it left running, and one process that is not its own.
    const owner = await goneOwner();
    await using orphan = startSleeper("mock");
    await using bystander = startSleeper("other");
    const orphanRec = { name: orphan.name, pid: orphan.pid, startTime: orphan.startTime };
    await client.createProxy({
      name: "ph-crashed-citizen-gateway",
      listen: "127.0.0.1:0",
      upstream: `127.0.0.1:${echo.port}`,
    });
    const state: RunState = {
      runId: "crashed-run",
      owner,
      startedAt: new Date().toISOString(),
      ended: false,
      children: [orphanRec],
      proxies: [{ adminUrl: client.adminUrl, name: "ph-crashed-citizen-gateway" }],
    };
    writeFileSync(stateFile(runDir), JSON.stringify(state));

    const found = findLeftovers(outRoot);
    expect(found).toHaveLength(1);
    expect(found[0]?.liveChildren.map((c) => c.pid)).toEqual([orphanRec.pid]);
    await cleanLeftovers(found, "test");

    expect(isSameProcess(orphanRec.pid, orphanRec.startTime)).toBe(false);
    expect(isSameProcess(bystander.pid, bystander.startTime)).toBe(true);
    const names = (await client.listProxies()).map((p) => p.name);
    expect(names).not.toContain("ph-crashed-citizen-gateway");
    expect(names).toContain("t-link");
    expect(findLeftovers(outRoot)).toHaveLength(0);
  });
});
