import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { allocatePorts } from "../../kernel/ports.js";
import { buildPart, type PartConfig, type PartName } from "../parts.js";

/**
 * The whole mock in this process, each part listening on its own loopback port and wired directly (no
 * toxiproxy), with the gateway left un-listened for `inject()`. For unit-level tests of behaviour across
 * parts; the process-per-part stack with links is tested in the integration suites.
 */
export interface InProcessMock {
  gateway: FastifyInstance;
  parts: Map<PartName, { app: FastifyInstance; url: string }>;
  close(): Promise<void>;
}

type Overrides = Partial<Record<PartName, Partial<PartConfig>>>;

const listen = async (app: FastifyInstance): Promise<string> => {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
};

export const startInProcessMock = async (
  variant = "healthy",
  overrides: Overrides = {},
  seed = 7,
): Promise<InProcessMock> => {
  const parts = new Map<PartName, { app: FastifyInstance; url: string }>();
  const start = async (name: PartName, upstreams: Record<string, string> = {}) => {
    const app = buildPart(name, { variant, seed, ...overrides[name], upstreams });
    parts.set(name, { app, url: await listen(app) });
  };
  const url = (name: PartName) => parts.get(name)?.url ?? "";
  try {
    await Promise.all(
      (["identity", "population", "national-sync", "documents", "reporting", "meetings"] as const).map((n) =>
        start(n),
      ),
    );
    await start("dossier-standby", { "national-sync": url("national-sync") });
    await start("dossier-primary", {
      "dossier-standby": url("dossier-standby"),
      "national-sync": url("national-sync"),
    });
    // The payment platform calls back into the gateway: reserve the gateway's port first.
    const [gatewayPort] = (await allocatePorts(1)) as [number];
    await start("payment", { gateway: `http://127.0.0.1:${gatewayPort}` });
    const wired = buildPart("gateway", {
      variant,
      seed,
      ...overrides.gateway,
      upstreams: {
        "dossier-primary": url("dossier-primary"),
        "dossier-standby": url("dossier-standby"),
        identity: url("identity"),
        population: url("population"),
        documents: url("documents"),
        reporting: url("reporting"),
        meetings: url("meetings"),
        payment: url("payment"),
      },
    });
    await wired.listen({ host: "127.0.0.1", port: gatewayPort });
    return {
      gateway: wired,
      parts,
      close: async () => {
        await wired.close();
        for (const p of [...parts.values()].reverse()) await p.app.close();
      },
    };
  } catch (e) {
    for (const p of parts.values()) await p.app.close();
    throw e;
  }
};
