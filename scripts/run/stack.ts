import { openSync } from "node:fs";
import { join } from "node:path";
import { proxyName } from "../../chaos/topology.js";
import { ToxiproxyClient } from "../../chaos/toxiproxy-client.js";
import { startToxiproxy } from "../../chaos/toxiproxy-server.js";
import type { Target } from "../config/run-config.js";
import { projectRoot } from "../lib/paths.js";
import { allocatePorts } from "../lib/ports.js";
import { type Spawned, spawnTracked, stopRecorded, type TrackedProcess } from "../lib/processes.js";
import type { RunStateRecorder } from "./run-state.js";

/** The parts of one run: toxiproxy, the mock's processes (for a mock target) and one proxy per link. */
export interface Stack {
  /** Where the citizens' traffic goes: the citizen → gateway proxy. */
  citizenUrl: string;
  client: ToxiproxyClient;
  proxyFor: (link: string) => string;
  toxiproxyVersion: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const waitForHealth = async (url: string, child: Spawned, name: string, logFile: string): Promise<void> => {
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited while starting; see ${logFile}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(500) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await sleep(50);
  }
  throw new Error(`${name} did not become healthy at ${url}; see ${logFile}`);
};

export interface StackOptions {
  runId: string;
  runDir: string;
  target: Target;
  seed: number;
  toxiproxyBinary: string;
  recorder: RunStateRecorder;
}

export const startStack = async (o: StackOptions): Promise<Stack> => {
  const started: TrackedProcess[] = [];
  const stop = async () => {
    for (const proc of [...started].reverse()) await stopRecorded(proc);
  };
  try {
    const [adminPort, citizenPort, dossierLinkPort, gatewayPort, dossierPort] = (await allocatePorts(5)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const logFor = (name: string) => join(o.runDir, "logs", `${name}.log`);
    const toxi = await startToxiproxy(o.toxiproxyBinary, adminPort, openSync(logFor("toxiproxy"), "a"));
    started.push(toxi.record);
    o.recorder.addChild(toxi.record);
    const client = new ToxiproxyClient(toxi.adminUrl);
    const toxiproxyVersion = await client.version();
    const proxyFor = (link: string) => proxyName(o.runId, link);
    const addProxy = async (link: string, listenPort: number, upstream: string) => {
      o.recorder.addProxy(toxi.adminUrl, proxyFor(link));
      await client.createProxy({ name: proxyFor(link), listen: `127.0.0.1:${listenPort}`, upstream });
    };

    if (o.target.kind === "url") {
      const url = new URL(o.target.baseUrl);
      const port = url.port || (url.protocol === "https:" ? "443" : "80");
      await addProxy("citizen-gateway", citizenPort, `${url.hostname}:${port}`);
      return { citizenUrl: `http://127.0.0.1:${citizenPort}`, client, proxyFor, toxiproxyVersion, stop };
    }

    const part = (name: string, port: number, options: Record<string, unknown>) => {
      const log = logFor(name);
      const spawned = spawnTracked(
        name,
        process.execPath,
        [join(projectRoot(), "dist", "mock-part.js"), name, String(port), JSON.stringify(options)],
        { stdio: ["ignore", openSync(log, "a"), openSync(log, "a")] },
      );
      started.push(spawned.record);
      o.recorder.addChild(spawned.record);
      return waitForHealth(`http://127.0.0.1:${port}/healthz`, spawned, name, log);
    };
    await addProxy("gateway-dossier-primary", dossierLinkPort, `127.0.0.1:${dossierPort}`);
    await addProxy("citizen-gateway", citizenPort, `127.0.0.1:${gatewayPort}`);
    await part("dossier-primary", dossierPort, { variant: o.target.variant });
    await part("gateway", gatewayPort, {
      dossierUrl: `http://127.0.0.1:${dossierLinkPort}`,
      seed: o.seed,
      variant: o.target.variant,
    });
    return { citizenUrl: `http://127.0.0.1:${citizenPort}`, client, proxyFor, toxiproxyVersion, stop };
  } catch (e) {
    await stop();
    throw e;
  }
};
