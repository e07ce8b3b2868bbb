import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { listenOnLoopback } from "../../kernel/testing/servers.js";

/** One request that passed the proxy: what the load sent, when, and what it got back. */
export interface Seen {
  method: string;
  /** Path and query. */
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request arrived. */
  at: number;
  status: number;
  answer: string;
}

/** What the proxy does with a request instead of forwarding it untouched. */
export type Intercept =
  /** Answer this instead of the target (the target never sees the request). */
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Forward, then close the connection without answering: the request happened, its answer was lost. */
  | "lose-answer"
  /** Forward and change the answer's JSON body before passing it on. */
  | { rewrite: (body: Record<string, unknown>) => Record<string, unknown> };

/**
 * A real HTTP proxy on loopback in front of a part of the mock: records every request and answer, and lets a
 * test inject failures (shedding, lost answers, rewritten bodies) on some requests while the rest reach the
 * real app. Disposable with `await using`.
 */
export interface RecordingProxy extends AsyncDisposable {
  url: string;
  seen: Seen[];
  /** The requests to paths ending in `suffix` (query ignored), optionally of one method. */
  to(suffix: string, method?: string): Seen[];
  close(): Promise<void>;
}

export const startProxy = async (
  target: string,
  intercept: (req: { method: string; path: string; body: string }, n: number) => Intercept | undefined = () =>
    undefined,
): Promise<RecordingProxy> => {
  const seen: Seen[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = req.url ?? "/";
      const path = url.split("?")[0] ?? url;
      const entry: Seen = {
        method: req.method ?? "GET",
        url,
        path,
        headers: req.headers,
        body,
        at: performance.now(),
        status: 0,
        answer: "",
      };
      seen.push(entry);
      const action = intercept({ method: entry.method, path, body }, seen.length);
      if (action && action !== "lose-answer" && !("rewrite" in action)) {
        const text = action.body === undefined ? "" : JSON.stringify(action.body);
        entry.status = action.status;
        entry.answer = text;
        res.writeHead(action.status, { "content-type": "application/json", ...action.headers });
        res.end(text);
        return;
      }
      const headers = { ...req.headers, host: upstream.host };
      const forwarded = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: entry.method, path: url, headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (c: Buffer) => parts.push(c));
          answer.on("end", () => {
            let text = Buffer.concat(parts).toString("utf8");
            entry.status = answer.statusCode ?? 0;
            if (action === "lose-answer") {
              entry.answer = text;
              res.socket?.destroy();
              return;
            }
            const out = { ...answer.headers };
            if (action && "rewrite" in action) {
              text = JSON.stringify(action.rewrite(JSON.parse(text) as Record<string, unknown>));
              out["content-length"] = String(Buffer.byteLength(text));
            }
            entry.answer = text;
            res.writeHead(entry.status, out);
            res.end(text);
          });
        },
      );
      forwarded.on("error", () => res.socket?.destroy());
      forwarded.end(body);
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    seen,
    to: (suffix, method) =>
      seen.filter((s) => s.path.endsWith(suffix) && (method === undefined || s.method === method)),
    close: listening.close,
    [Symbol.asyncDispose]: listening.close,
  };
};
