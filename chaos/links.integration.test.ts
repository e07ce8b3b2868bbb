import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocatePorts } from "../kernel/ports.js";
import { isSameProcess, processStartTime, stopRecorded, type TrackedProcess } from "../kernel/processes.js";
import { findLeftovers, type RunState } from "../kernel/run-state.js";
import { median, startEchoServer, timeGet } from "../kernel/testing/servers.js";
import { requireTool } from "../kernel/testing/tools.js";
import { cleanLeftovers } from "./leftovers.js";
import { ToxiproxyClient } from "./toxiproxy-client.js";
import { startToxiproxy } from "./toxiproxy-server.js";

/** Real toxiproxy between a real HTTP client and a real HTTP server on loopback. */
describe("toxiproxy links (real toxiproxy)", () => {
  let toxi: TrackedProcess;
  let client: ToxiproxyClient;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxyPort: number;

  beforeAll(async () => {
    const tool = requireTool("toxiproxy");
    const [adminPort, port] = (await allocatePorts(2)) as [number, number];
    proxyPort = port;
    const started = await startToxiproxy(tool.path, adminPort);
    toxi = started.record;
    client = new ToxiproxyClient(started.adminUrl);
    console.log(`toxiproxy ${await client.version()} (${tool.path}) on 127.0.0.1:${adminPort}`);
    echo = await startEchoServer();
    await client.createProxy({
      name: "t-link",
      listen: `127.0.0.1:${proxyPort}`,
      upstream: `127.0.0.1:${echo.port}`,
    });
  });

  afterAll(async () => {
    await echo?.close();
    if (toxi) await stopRecorded(toxi);
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
    // The crashed run's owner: a process that has already exited.
    const owner = spawn("true");
    const ownerPid = owner.pid ?? -1;
    const ownerStart = processStartTime(ownerPid) ?? 1;
    await new Promise((r) => owner.once("exit", r));
    // A child it left running, and one process that is not its own.
    const orphan = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
    const bystander = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
    const orphanRec = {
      name: "mock",
      pid: orphan.pid ?? -1,
      startTime: processStartTime(orphan.pid ?? -1) ?? -1,
    };
    const bystanderRec = {
      name: "other",
      pid: bystander.pid ?? -1,
      startTime: processStartTime(bystander.pid ?? -1) ?? -1,
    };
    try {
      await client.createProxy({
        name: "ph-crashed-citizen-gateway",
        listen: "127.0.0.1:0",
        upstream: `127.0.0.1:${echo.port}`,
      });
      const state: RunState = {
        runId: "crashed-run",
        owner: { pid: ownerPid, startTime: ownerStart },
        startedAt: new Date().toISOString(),
        ended: false,
        children: [orphanRec],
        proxies: [{ adminUrl: client.adminUrl, name: "ph-crashed-citizen-gateway" }],
      };
      writeFileSync(join(runDir, "state.json"), JSON.stringify(state));

      const found = findLeftovers(outRoot);
      expect(found).toHaveLength(1);
      expect(found[0]?.liveChildren.map((c) => c.pid)).toEqual([orphanRec.pid]);
      await cleanLeftovers(found, "test");

      expect(isSameProcess(orphanRec.pid, orphanRec.startTime)).toBe(false);
      expect(isSameProcess(bystanderRec.pid, bystanderRec.startTime)).toBe(true);
      const names = (await client.listProxies()).map((p) => p.name);
      expect(names).not.toContain("ph-crashed-citizen-gateway");
      expect(names).toContain("t-link");
      expect(findLeftovers(outRoot)).toHaveLength(0);
    } finally {
      await stopRecorded(orphanRec, 500);
      await stopRecorded(bystanderRec, 500);
    }
  });
});
