import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A real HTTP server on loopback for engine tests, answering with the handler; disposable with `await using`. */
export interface TestServer extends AsyncDisposable {
  url: string;
  port: number;
  requests: number;
  close(): Promise<void>;
}

export const startServer = async (
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<TestServer> => {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handler(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  server.keepAliveTimeout = 10_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
};

/** A server that answers 200 with a small JSON body (and echoes the path). */
export const okServer = (): Promise<TestServer> =>
  startServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-request-id": "r-1" });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
