import { isSameProcess, stopRecorded, type TrackedProcess } from "../kernel/processes.js";
import {
  type ContainerRecord,
  type Leftover,
  type RunState,
  stateFile,
  writeAtomic,
} from "../kernel/run-state.js";
import { ToxiproxyClient } from "./toxiproxy-client.js";

/**
 * Stopping what a crashed or killed run left behind, from its own record (kernel/run-state.ts): its processes by
 * pid and start time, its proxies by name on the toxiproxy that holds them, its containers by id.
 */
/** The leftover's recorded proxies that still exist on a toxiproxy that answers. */
export const liveProxies = async (left: Leftover): Promise<RunState["proxies"]> => {
  const live: RunState["proxies"] = [];
  for (const proxy of left.state.proxies) {
    try {
      const client = new ToxiproxyClient(proxy.adminUrl, { timeoutMs: 1000, retries: 0 });
      if (await client.getProxy(proxy.name)) live.push(proxy);
    } catch {
      // No toxiproxy answers there: the proxy went with it.
    }
  }
  return live;
};

/**
 * Removes a container through the runtime's Docker-compatible API (stop at once, remove, with its volumes); when
 * that API is gone too (its service was killed with the run), through the podman command.
 */
export const removeContainer = async (c: ContainerRecord): Promise<"removed" | "gone"> => {
  try {
    return await removeContainerByApi(c);
  } catch (e) {
    const { spawnSync } = await import("node:child_process");
    const rm = spawnSync("podman", ["rm", "--force", "--time", "0", c.id], {
      encoding: "utf8",
      timeout: 30_000,
    });
    if (rm.status === 0) return "removed";
    if (/no such container/i.test(rm.stderr ?? "")) return "gone";
    throw new Error(`${(e as Error).message}; podman rm: ${(rm.stderr ?? rm.error?.message ?? "").trim()}`);
  }
};

const removeContainerByApi = async (c: ContainerRecord): Promise<"removed" | "gone"> => {
  const { request } = await import("node:http");
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        socketPath: c.socket,
        method: "DELETE",
        path: `/containers/${encodeURIComponent(c.id)}?force=true&v=true`,
        timeout: 20_000,
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 404) resolvePromise("gone");
          else if ((res.statusCode ?? 500) < 300) resolvePromise("removed");
          else reject(new Error(`removing container ${c.name}: HTTP ${res.statusCode}`));
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`removing container ${c.name}: no answer`)));
    // A runtime whose socket is gone has taken its containers' processes' API with it; report it.
    req.on("error", reject);
    req.end();
  });
};

/**
 * Stops every leftover of each run: the load generator first, then its proxies (which may live on a toxiproxy
 * the run did not start) and containers, then the other processes, toxiproxy last; then marks the run as
 * cleaned. Failures are reported, not thrown, so one stuck item does not keep the rest alive.
 */
export const cleanLeftovers = async (leftovers: readonly Leftover[], by: string): Promise<string[]> => {
  const lines: string[] = [];
  for (const left of leftovers) {
    const run = left.state.runId;
    const children = [...left.liveChildren].reverse();
    const generator = children.filter((c) => c.name === "engine");
    const others = children.filter((c) => c.name !== "engine");
    const stop = async (child: TrackedProcess) => {
      await stopRecorded(child);
      if (isSameProcess(child.pid, child.startTime))
        lines.push(`could not stop leftover ${child.name} (pid ${child.pid}) of run ${run}`);
      else lines.push(`stopped leftover ${child.name} (pid ${child.pid}) of run ${run}`);
    };
    for (const child of generator) await stop(child);
    let removed = 0;
    for (const proxy of await liveProxies(left)) {
      try {
        await new ToxiproxyClient(proxy.adminUrl, { timeoutMs: 2000, retries: 1 }).deleteProxy(proxy.name);
        removed++;
      } catch (e) {
        lines.push(`could not remove leftover proxy ${proxy.name} of run ${run}: ${(e as Error).message}`);
      }
    }
    if (removed > 0) lines.push(`removed ${removed} leftover proxies of run ${run}`);
    for (const container of [...(left.state.containers ?? [])].reverse()) {
      try {
        if ((await removeContainer(container)) === "removed")
          lines.push(`removed leftover container ${container.name} of run ${run}`);
      } catch (e) {
        lines.push(
          `could not remove leftover container ${container.name} of run ${run}: ${(e as Error).message}`,
        );
      }
    }
    // The parts are independent of each other: stop them together (each has its own grace period), then the
    // toxiproxy servers that connected them.
    await Promise.all(others.filter((c) => c.name !== "toxiproxy").map(stop));
    for (const child of others.filter((c) => c.name === "toxiproxy")) await stop(child);
    writeAtomic(stateFile(left.runDir), { ...left.state, ended: true, cleanedBy: by });
  }
  return lines;
};
