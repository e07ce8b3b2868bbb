import { allocatePorts } from "../../kernel/ports.js";
import { stopRecorded } from "../../kernel/processes.js";
import { requireTool } from "../../kernel/testing/tools.js";
import { ToxiproxyClient, type ToxiproxyClientOptions } from "../toxiproxy-client.js";
import { startToxiproxy } from "../toxiproxy-server.js";

export interface TestProxy {
  name: string;
  port: number;
}

export interface ToxiproxyFixture {
  adminUrl: string;
  client: ToxiproxyClient;
  /** Creates a proxy on a free loopback port in front of `upstreamPort`. */
  proxy(name: string, upstreamPort: number): Promise<TestProxy>;
  stop(): Promise<void>;
}

/** A real toxiproxy server of the pinned version on loopback, for integration tests; `stop()` ends it. */
export const startToxiproxyFixture = async (
  options: ToxiproxyClientOptions = {},
): Promise<ToxiproxyFixture> => {
  const tool = requireTool("toxiproxy");
  const [adminPort] = (await allocatePorts(1)) as [number];
  const server = await startToxiproxy(tool.path, adminPort);
  const client = new ToxiproxyClient(server.adminUrl, options);
  return {
    adminUrl: server.adminUrl,
    client,
    proxy: async (name, upstreamPort) => {
      const [port] = (await allocatePorts(1)) as [number];
      await client.createProxy({ name, listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${upstreamPort}` });
      return { name, port };
    },
    stop: async () => {
      await stopRecorded(server.record);
    },
  };
};
