import { join } from "node:path";
import { projectRoot } from "../kernel/paths.js";
import { allocatePorts } from "../kernel/ports.js";
import { startProcess, stopRecorded, type TrackedProcess } from "../kernel/processes.js";
import { runFiles } from "../kernel/run-files.js";
import type { RunStateRecorder } from "../kernel/run-state.js";
import { type PartConfig, type PartName, partNames } from "../mocks/parts.js";
import type { Target } from "./target.js";
import { targetLinks } from "./target-links.js";
import { type LinkName, links, proxyName } from "./topology.js";
import { ToxiproxyClient } from "./toxiproxy-client.js";
import { startToxiproxy } from "./toxiproxy-server.js";

/**
 * The parts of one run: toxiproxy, the mock's processes (for a mock target) and one proxy per link. `stop()`
 * (or leaving an `await using` scope) stops every process it started, last started first.
 */
export interface Stack extends AsyncDisposable {
  /** Where the citizens' traffic goes: the citizen → gateway proxy. */
  citizenUrl: string;
  /** Where officers' traffic goes (the officer → gateway proxy); the citizen URL for a URL target. */
  officerUrl: string;
  /** The links this stack has, each with the loopback URL of its proxy. */
  linkUrls: Partial<Record<LinkName, string>>;
  /** Direct loopback URLs of the mock's parts (metrics, tests); empty for a URL target. */
  partUrls: Partial<Record<PartName, string>>;
  client: ToxiproxyClient;
  proxyFor: (link: string) => string;
  toxiproxyVersion: string;
  /**
   * Mock targets: stops a part's process and starts it again on the same port with the same config, as an
   * operator's restart does (whatever it held only in memory is gone).
   */
  restartPart?(name: PartName): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  runId: string;
  runDir: string;
  target: Target;
  seed: number;
  toxiproxyBinary: string;
  recorder: RunStateRecorder;
  /**
   * A URL target with an adapter: starts the bridge that speaks the contract on loopback and calls the vendor's
   * API at `upstream` (the toxiproxy link in front of the target, with the target's base path).
   */
  adapterBridge?: (upstream: string) => Promise<{ url: string; close(): Promise<void> }>;
  /** Per-part settings over the variant's defaults (capacity, admission, failover timing), for tests and benchmarks. */
  mock?: Partial<Record<PartName, Partial<PartConfig>>>;
  /** A fixed loopback port for the citizen → gateway proxy (the `mock` command serves the contract there). */
  citizenPort?: number;
}

/** Start order: the gateway last, once everything it routes to answers. */
const mockParts: readonly PartName[] = [...partNames.filter((p) => p !== "gateway"), "gateway"];

/**
 * Which links a part calls out through, keyed by the part at the other end. The topology's `from` says who
 * dials; the standby also dials the national portal through the province link, because once promoted it
 * drains the outbox the primary can no longer drain.
 */
export const upstreamsOf = (part: PartName, linkUrl: (link: LinkName) => string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const l of links) if (l.from === part) out[l.to] = linkUrl(l.name);
  if (part === "dossier-standby") out["national-sync"] = linkUrl("province-national");
  return out;
};

export const startStack = async (o: StackOptions): Promise<Stack> => {
  // Every process is on this list from the moment it is spawned, so a failed start stops the others too.
  const started: TrackedProcess[] = [];
  const record = (r: TrackedProcess) => {
    started.push(r);
    o.recorder.addChild(r);
  };
  let stop = async () => {
    for (const proc of [...started].reverse()) await stopRecorded(proc);
  };
  const files = runFiles(o.runDir);
  try {
    const wanted = targetLinks(o.target);
    const ports = await allocatePorts(1 + wanted.length + (o.target.kind === "mock" ? mockParts.length : 0));
    const next = () => {
      const p = ports.shift();
      if (p === undefined) throw new Error("port allocation came up short");
      return p;
    };
    const toxi = await startToxiproxy({
      binary: o.toxiproxyBinary,
      port: next(),
      logFile: files.logOf("toxiproxy"),
      record,
    });
    const client = new ToxiproxyClient(toxi.adminUrl);
    const toxiproxyVersion = await client.version();
    const proxyFor = (link: string) => proxyName(o.runId, link);
    const linkPorts = new Map<LinkName, number>(wanted.map((l) => [l, next()]));
    if (o.citizenPort !== undefined) linkPorts.set("citizen-gateway", o.citizenPort);
    const linkUrl = (link: LinkName) => `http://127.0.0.1:${linkPorts.get(link) ?? 0}`;
    const linkUrls: Partial<Record<LinkName, string>> = Object.fromEntries(
      wanted.map((l) => [l, linkUrl(l)]),
    );
    const addProxy = async (link: LinkName, upstream: string) => {
      o.recorder.addProxy(toxi.adminUrl, proxyFor(link));
      await client.createProxy({
        name: proxyFor(link),
        listen: `127.0.0.1:${linkPorts.get(link)}`,
        upstream,
      });
    };

    if (o.target.kind === "url") {
      const url = new URL(o.target.baseUrl);
      const port = url.port || (url.protocol === "https:" ? "443" : "80");
      await addProxy("citizen-gateway", `${url.hostname}:${port}`);
      let citizenUrl = linkUrl("citizen-gateway");
      if (o.adapterBridge) {
        const bridge = await o.adapterBridge(`${citizenUrl}${url.pathname.replace(/\/$/, "")}`);
        const stopProcesses = stop;
        stop = async () => {
          await bridge.close();
          await stopProcesses();
        };
        citizenUrl = bridge.url;
      }
      return {
        citizenUrl,
        officerUrl: citizenUrl,
        linkUrls,
        partUrls: {},
        client,
        proxyFor,
        toxiproxyVersion,
        stop,
        [Symbol.asyncDispose]: stop,
      };
    }

    const partPorts = new Map<PartName, number>(mockParts.map((p) => [p, next()]));
    // Every part is reachable only through its link: a proxy per link, its upstream the part's own port.
    for (const l of links) await addProxy(l.name, `127.0.0.1:${partPorts.get(l.to as PartName)}`);
    const mock = await startMockParts(o, { partPorts, linkUrl, record, started });
    return {
      citizenUrl: linkUrl("citizen-gateway"),
      officerUrl: linkUrl("officer-gateway"),
      linkUrls,
      partUrls: mock.partUrls,
      client,
      proxyFor,
      toxiproxyVersion,
      restartPart: mock.restart,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
};

interface MockPartsContext {
  partPorts: ReadonlyMap<PartName, number>;
  linkUrl: (link: LinkName) => string;
  record: (r: TrackedProcess) => void;
  /** The stack's list of processes, last started last; a restarted part's old process leaves it. */
  started: TrackedProcess[];
}

/** Starts the mock's parts behind their links (the gateway last); returns their URLs and how to restart one. */
const startMockParts = async (
  o: StackOptions,
  ctx: MockPartsContext,
): Promise<{ partUrls: Partial<Record<PartName, string>>; restart: (name: PartName) => Promise<void> }> => {
  const { partPorts, linkUrl } = ctx;
  const files = runFiles(o.runDir);
  const variant = o.target.kind === "mock" ? o.target.variant : "healthy";
  const processes = new Map<PartName, TrackedProcess>();
  const part = (name: PartName) => {
    const port = partPorts.get(name) as number;
    const config: Partial<PartConfig> = {
      ...o.mock?.[name],
      variant,
      seed: o.seed,
      upstreams: upstreamsOf(name, linkUrl),
    };
    return startProcess({
      name,
      command: process.execPath,
      args: [join(projectRoot(), "dist", "mock-part.js"), name, String(port), JSON.stringify(config)],
      ready: { url: `http://127.0.0.1:${port}/healthz` },
      logFile: files.logOf(name),
      record: (r) => {
        processes.set(name, r);
        ctx.record(r);
      },
    });
  };
  // The gateway health-checks the primary from its first second, so it starts once the parts are up.
  await Promise.all(mockParts.filter((p) => p !== "gateway").map(part));
  await part("gateway");
  const restart = async (name: PartName) => {
    const old = processes.get(name);
    if (old) {
      await stopRecorded(old);
      ctx.started.splice(ctx.started.indexOf(old), 1);
    }
    await part(name);
  };
  const partUrls = Object.fromEntries(
    [...partPorts].map(([p, port]) => [p, `http://127.0.0.1:${port}`]),
  ) as Partial<Record<PartName, string>>;
  return { partUrls, restart };
};
