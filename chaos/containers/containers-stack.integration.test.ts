import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSameProcess, pollUntil, stopRecorded, type TrackedProcess } from "../../kernel/processes.js";
import { type ContainerRecord, findLeftovers, type RunState, stateFile } from "../../kernel/run-state.js";
import { goneOwner } from "../../kernel/testing/processes.js";
import { median } from "../../kernel/testing/servers.js";
import { tempDir } from "../../kernel/testing/temp-dir.js";
import { requireTool } from "../../kernel/testing/tools.js";
import { latencyFault } from "../faults/latency.js";
import { outageFault } from "../faults/outage.js";
import { cleanLeftovers } from "../leftovers.js";
import { applyFault } from "../testing/apply-fault.js";
import { rawGet, timedGet, within } from "../testing/raw-http.js";
import { linkNames } from "../topology.js";
import { type ContainersStack, partContainerPort, startContainersStack } from "./containers-stack.js";
import { pingSocket } from "./podman-service.js";

const runId = `ct-${process.pid}`;

/** Containers of this test's run that podman still knows, by label. */
const podmanContainers = (): string[] => {
  const ps = spawnSync("podman", ["ps", "-a", "-q", "--filter", `label=portal-harness.run=${runId}`], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return ps.stdout.split("\n").filter((l) => l.trim() !== "");
};

describe("containers stack: toxiproxy in a podman container with the topology's proxies", () => {
  let stack: ContainersStack;
  const processes: TrackedProcess[] = [];
  const containers: ContainerRecord[] = [];
  let citizenPort = 0;

  beforeAll(async () => {
    stack = await startContainersStack({
      runId,
      toxiproxyBinary: requireTool("toxiproxy").path,
      onProcess: (p) => processes.push(p),
      onContainer: (c) => containers.push(c),
    });
    // A stand-in for the gateway inside the stack's namespace: the same static binary, answering /version.
    await stack.startPart("stand-in-gateway", stack.image, [
      "-host",
      "127.0.0.1",
      "-port",
      String(partContainerPort("citizen-gateway")),
    ]);
    citizenPort = stack.linkPorts.get("citizen-gateway") ?? -1;
    const answers = async () => (await rawGet(citizenPort, 1000, { path: "/version" })).bytes > 0;
    if (!(await pollUntil(answers, { timeoutMs: 15_000, intervalMs: 200 })))
      throw new Error("the stand-in part did not answer through citizen-gateway");
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("holds one proxy per link of the topology, published on 127.0.0.1 only", async () => {
    const names = (await stack.client.listProxies()).map((p) => p.name).sort();
    expect(names).toEqual(linkNames.map((l) => stack.proxyFor(l)).sort());
    const toxi = containers.find((c) => c.name.endsWith("-toxiproxy"));
    expect(toxi).toBeDefined();
    const { request } = await import("node:http");
    const inspect = await new Promise<{
      HostConfig: { PortBindings: Record<string, Array<{ HostIp: string }>> };
    }>((resolvePromise, reject) => {
      const req = request({ socketPath: toxi?.socket ?? "", path: `/containers/${toxi?.id}/json` }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => resolvePromise(JSON.parse(body)));
      });
      req.on("error", reject);
      req.end();
    });
    const bindings = Object.values(inspect.HostConfig.PortBindings).flat();
    expect(bindings).toHaveLength(linkNames.length + 1);
    for (const b of bindings) expect(b.HostIp).toBe("127.0.0.1");
    for (const port of stack.linkPorts.values()) expect(port).toBeLessThan(32768);
  });

  it("applies a latency fault to traffic through the container, within 10 % or 20 ms", async () => {
    const sample = async () => {
      const xs: number[] = [];
      for (let i = 0; i < 7; i++) xs.push(await timedGet(citizenPort));
      return median(xs);
    };
    const base = await sample();
    const ctx = { client: stack.client, proxy: stack.proxyFor("citizen-gateway"), toxicName: "lat" };
    await using _fault = await applyFault(latencyFault, { latencyMs: 200 }, ctx);
    const added = (await sample()) - base;
    expect(within(added, 200, 0.1, 20), `added ${added.toFixed(1)} ms`).toBe(true);
  });

  it("an outage of the link refuses its traffic, and it flows again after", async () => {
    const ctx = { client: stack.client, proxy: stack.proxyFor("citizen-gateway"), toxicName: "o" };
    {
      await using _fault = await applyFault(outageFault, {}, ctx);
      const r = await rawGet(citizenPort, 2000, { path: "/version" });
      expect(r.bytes).toBe(0);
      expect(["ECONNREFUSED", "ECONNRESET"]).toContain(r.errorCode);
    }
    expect((await rawGet(citizenPort, 2000, { path: "/version" })).bytes).toBeGreaterThan(0);
  });

  it("stop() removes every container and stops the podman service it started", async () => {
    expect(podmanContainers()).toHaveLength(2);
    await stack.stop();
    expect(podmanContainers()).toEqual([]);
    for (const p of processes) expect(isSameProcess(p.pid, p.startTime), p.name).toBe(false);
    expect(await pingSocket(containers[0]?.socket ?? "")).toBeNull();
  });

  it("a run killed with its containers up leaves records that clean them up, even with podman's API gone", async () => {
    using outRoot = tempDir("ph-ct-leftovers-");
    const runDir = join(outRoot.path, "killed");
    mkdirSync(runDir);
    const killedRun = `${runId}-killed`;
    const state: RunState = {
      runId: killedRun,
      owner: await goneOwner(),
      startedAt: new Date().toISOString(),
      ended: false,
      children: [],
      proxies: [],
      containers: [],
    };
    await using second = await startContainersStack({
      runId: killedRun,
      toxiproxyBinary: requireTool("toxiproxy").path,
      onProcess: (p) => state.children.push(p),
      onContainer: (c) => state.containers?.push(c),
    });
    for (const link of linkNames)
      state.proxies.push({ adminUrl: second.adminUrl, name: second.proxyFor(link) });
    writeFileSync(stateFile(runDir), JSON.stringify(state));
    // The run dies; so does its podman API. The container lives on.
    for (const p of state.children) await stopRecorded(p);
    const byLabel = () =>
      spawnSync("podman", ["ps", "-a", "-q", "--filter", `label=portal-harness.run=${killedRun}`], {
        encoding: "utf8",
      }).stdout.trim();
    expect(byLabel()).not.toBe("");
    const found = findLeftovers(outRoot.path);
    expect(found).toHaveLength(1);
    const lines = await cleanLeftovers(found, "test");
    expect(lines.join("\n")).toMatch(/removed \d+ leftover proxies/);
    expect(lines.join("\n")).toMatch(/removed leftover container ph-.*-toxiproxy/);
    expect(byLabel()).toBe("");
    expect(findLeftovers(outRoot.path)).toEqual([]);
  });
});
