import { allocatePorts } from "../../kernel/ports.js";
import { requireTool } from "../../kernel/testing/tools.js";
import { ToxiproxyClient, type ToxiproxyClientOptions } from "../toxiproxy-client.js";
import { startToxiproxy } from "../toxiproxy-server.js";

export interface TestProxy {
  name: string;
  port: number;
}

/** A real toxiproxy server of the pinned version on loopback; `stop()` (or `await using`) ends it. */
export interface ToxiproxyFixture extends AsyncDisposable {
  adminUrl: string;
  /** The server's process id. */
  pid: number;
  client: ToxiproxyClient;
  /** Creates a proxy on a free loopback port in front of `upstreamPort`. */
  proxy(name: string, upstreamPort: number): Promise<TestProxy>;
  stop(): Promise<void>;
}

/** For integration tests and benchmarks. */
export const startToxiproxyFixture = async (
  options: ToxiproxyClientOptions = {},
): Promise<ToxiproxyFixture> => {
  const tool = requireTool("toxiproxy");
  const [port] = (await allocatePorts(1)) as [number];
  const server = await startToxiproxy({ binary: tool.path, port });
  const client = new ToxiproxyClient(server.adminUrl, options);
  return {
    adminUrl: server.adminUrl,
    pid: server.record.pid,
    client,
    proxy: async (name, upstreamPort) => {
      const [listen] = (await allocatePorts(1)) as [number];
      await client.createProxy({
        name,
        listen: `127.0.0.1:${listen}`,
        upstream: `127.0.0.1:${upstreamPort}`,
      });
      return { name, port: listen };
    },
    stop: server.stop,
    [Symbol.asyncDispose]: server.stop,
  };
};
