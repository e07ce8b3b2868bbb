import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** An HTTP server of a test listening on a free loopback port; `close()` (or `await using`) ends it. */
export interface LoopbackServer extends AsyncDisposable {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Listens on a free loopback port; closing drops open connections too, so it never waits on a kept-alive one. */
export const listenOnLoopback = async (server: Server): Promise<LoopbackServer> => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return { url: `http://127.0.0.1:${port}`, port, server, close, [Symbol.asyncDispose]: close };
};

/** A tiny real HTTP server on loopback for link-level tests: answers every request with `body`. */
export const startEchoServer = (body = "ok"): Promise<LoopbackServer> =>
  listenOnLoopback(
    createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
      res.end(body);
    }),
  );

/** Times one HTTP GET in ms (a fresh connection each time unless the agent keeps one). */
export const timeGet = async (url: string, timeoutMs = 5000): Promise<{ ms: number; status: number }> => {
  const started = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await res.text();
  return { ms: performance.now() - started, status: res.status };
};

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
