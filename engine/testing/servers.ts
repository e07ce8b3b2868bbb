import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { listenOnLoopback } from "../../kernel/testing/servers.js";

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
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    port: listening.port,
    get requests() {
      return requests;
    },
    close: listening.close,
    [Symbol.asyncDispose]: listening.close,
  };
};

/** A server that answers 200 with a small JSON body (and echoes the path). */
export const okServer = (): Promise<TestServer> =>
  startServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-request-id": "r-1" });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
