import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StartedTestContainer } from "testcontainers";
import { allocatePorts } from "../../kernel/ports.js";
import type { TrackedProcess } from "../../kernel/processes.js";
import type { ContainerRecord } from "../../kernel/run-state.js";
import { type LinkName, linkNames, proxyName } from "../topology.js";
import { ToxiproxyClient } from "../toxiproxy-client.js";
import { toxiproxyGoMaxProcs } from "../toxiproxy-server.js";
import { pingSocket, startPodmanService } from "./podman-service.js";

/**
 * The topology in containers: toxiproxy runs in a container built locally (FROM scratch + the static
 * toxiproxy-server binary; no registry is reachable), with one proxy per link of the topology. Every port the
 * stack publishes is bound to 127.0.0.1 on the host, at a port below 32768.
 *
 * The toxiproxy container's network namespace is the stack's private network: parts of the portal run as
 * containers that join it (network mode `container:<toxiproxy>`), listen on its loopback, and reach each other
 * only through the proxies there. So all traffic stays on loopback: the host's, and the stack's own.
 */
export const adminContainerPort = 8474;
/** Where each link's proxy listens inside the stack's namespace: one port per link, in topology order. */
export const linkContainerPort = (link: LinkName): number => 20000 + linkNames.indexOf(link);
/** Where the part a link leads to listens inside the namespace, unless told otherwise. */
export const partContainerPort = (link: LinkName): number => 21000 + linkNames.indexOf(link);

export interface ContainersStackOptions {
  runId: string;
  /** The static toxiproxy-server binary to put in the image. */
  toxiproxyBinary: string;
  /** Upstream (inside the namespace) of each link; default 127.0.0.1:partContainerPort(link). */
  upstreams?: Partial<Record<LinkName, string>>;
  /** Called as each process or container starts, so a crash leaves a record (see run-state.ts). */
  onProcess?: (record: TrackedProcess) => void;
  onContainer?: (record: ContainerRecord) => void;
}

/** `stop()` (or leaving an `await using` scope) removes every container and stops the podman service. */
export interface ContainersStack extends AsyncDisposable {
  adminUrl: string;
  client: ToxiproxyClient;
  /** Host loopback port of each link's proxy. */
  linkPorts: ReadonlyMap<LinkName, number>;
  proxyFor: (link: string) => string;
  image: string;
  /** Starts a container inside the stack's namespace (a part of the portal, or a stand-in for one). */
  startPart(name: string, image: string, command: string[]): Promise<void>;
  stop(): Promise<void>;
}

const containerfile = `FROM scratch
COPY toxiproxy-server /toxiproxy-server
ENTRYPOINT ["/toxiproxy-server"]
`;

/** The image's tag names the binary's hash, so an unchanged binary reuses the image instead of rebuilding. */
const imageTag = (binary: string): string =>
  `localhost/portal-harness-toxiproxy:${createHash("sha256").update(readFileSync(binary)).digest("hex").slice(0, 16)}`;

export const startContainersStack = async (o: ContainersStackOptions): Promise<ContainersStack> => {
  const service = await startPodmanService(o.onProcess);
  const started: StartedTestContainer[] = [];
  const stop = async () => {
    for (const c of [...started].reverse())
      await c.stop({ timeout: 1000, remove: true }).catch(() => undefined);
    await service.stop();
  };
  try {
    // testcontainers reads these when it first connects: this process's runtime is this run's podman.
    process.env.DOCKER_HOST = service.dockerHost;
    process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
    process.env.TESTCONTAINERS_HOST_OVERRIDE = "127.0.0.1";
    const { GenericContainer, Wait } = await import("testcontainers");

    /** A container whose published ports bind to 127.0.0.1 only, recorded as soon as it exists. */
    class LoopbackContainer extends GenericContainer {
      constructor(
        image: string,
        private readonly recordAs: string,
      ) {
        super(image);
      }
      protected override async beforeContainerCreated(): Promise<void> {
        for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as Array<
          Array<{ HostIp?: string }>
        >)
          for (const b of bindings) b.HostIp = "127.0.0.1";
      }
      protected override async containerCreated(id: string): Promise<void> {
        o.onContainer?.({ socket: service.socket, id, name: this.recordAs });
      }
    }

    const image = imageTag(o.toxiproxyBinary);
    if ((await pingSocket(service.socket, `/images/${encodeURIComponent(image)}/json`)) !== 200) {
      const context = mkdtempSync(join(tmpdir(), "ph-image-"));
      try {
        copyFileSync(o.toxiproxyBinary, join(context, "toxiproxy-server"));
        writeFileSync(join(context, "Containerfile"), containerfile);
        await GenericContainer.fromDockerfile(context, "Containerfile").build(image, { deleteOnExit: false });
      } finally {
        rmSync(context, { recursive: true, force: true });
      }
    }

    const hostPorts = await allocatePorts(linkNames.length + 1);
    const [adminPort, ...proxyPorts] = hostPorts as [number, ...number[]];
    const name = `ph-${o.runId}-toxiproxy`;
    const toxi = await new LoopbackContainer(image, name)
      .withName(name)
      .withLabels({ "portal-harness.run": o.runId })
      .withCommand(["-host", "0.0.0.0", "-port", String(adminContainerPort)])
      .withEnvironment({ GOMAXPROCS: toxiproxyGoMaxProcs(process.env) })
      .withExposedPorts(
        { container: adminContainerPort, host: adminPort },
        ...linkNames.map((link, i) => ({
          container: linkContainerPort(link),
          host: proxyPorts[i] as number,
        })),
      )
      .withWaitStrategy(Wait.forHttp("/version", adminContainerPort).forStatusCode(200))
      .withStartupTimeout(30_000)
      .start();
    started.push(toxi);

    const adminUrl = `http://127.0.0.1:${toxi.getMappedPort(adminContainerPort)}`;
    const client = new ToxiproxyClient(adminUrl);
    const proxyFor = (link: string) => proxyName(o.runId, link);
    const linkPorts = new Map<LinkName, number>();
    for (const link of linkNames) {
      await client.createProxy({
        name: proxyFor(link),
        listen: `0.0.0.0:${linkContainerPort(link)}`,
        upstream: o.upstreams?.[link] ?? `127.0.0.1:${partContainerPort(link)}`,
      });
      linkPorts.set(link, toxi.getMappedPort(linkContainerPort(link)));
    }

    const startPart = async (partName: string, partImage: string, command: string[]) => {
      const full = `ph-${o.runId}-${partName}`;
      const part = await new LoopbackContainer(partImage, full)
        .withName(full)
        .withLabels({ "portal-harness.run": o.runId })
        .withNetworkMode(`container:${toxi.getId()}`)
        .withCommand(command)
        .start();
      started.push(part);
    };

    return { adminUrl, client, linkPorts, proxyFor, image, startPart, stop, [Symbol.asyncDispose]: stop };
  } catch (e) {
    await stop();
    throw e;
  }
};
