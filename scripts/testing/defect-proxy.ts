import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import { type LoopbackServer, listenOnLoopback } from "../../kernel/testing/servers.js";

/**
 * What the proxy breaks: `drop` acknowledged dossiers (the acknowledgement goes through, every later lookup of
 * the code answers 404), starting with the `dropFrom`-th acknowledgement, every `dropEvery`-th; and, when
 * `shareAt` is set, hands the `shareAt`-th acknowledged submission the code of the first one.
 */
export interface Defects {
  drop?: number;
  dropFrom?: number;
  dropEvery?: number;
  shareAt?: number;
}

export interface DefectProxy extends LoopbackServer {
  /** Codes acknowledged and then made unfindable. */
  readonly dropped: ReadonlySet<string>;
  /** The code handed to a second submission, once it was. */
  readonly shared: ReadonlySet<string>;
  /** Acknowledgements seen (distinct codes). */
  readonly acknowledged: () => number;
}

const byCodePath = /^\/api\/v1\/dossiers\/([^/?]+)$/;

/**
 * A small loopback HTTP proxy in front of a portal: passes every request through unchanged, except the defects
 * it was asked for. Stands in for a portal that is not the harness's own mock.
 */
export const startDefectProxy = async (upstream: string, defects: Defects = {}): Promise<DefectProxy> => {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const dropped = new Set<string>();
  const shared = new Set<string>();
  const codes = new Set<string>();
  let first: string | null = null;

  /** An acknowledgement's body, maybe rewritten: the code it names is recorded, dropped or shared. */
  const acknowledge = (body: Buffer): Buffer => {
    let parsed: { code?: unknown };
    try {
      parsed = JSON.parse(body.toString("utf8")) as { code?: unknown };
    } catch {
      return body;
    }
    const code = parsed.code;
    if (typeof code !== "string" || codes.has(code)) return body;
    codes.add(code);
    first ??= code;
    const n = codes.size;
    const from = defects.dropFrom ?? 5;
    if (
      defects.drop !== undefined &&
      dropped.size < defects.drop &&
      n >= from &&
      (n - from) % (defects.dropEvery ?? 3) === 0
    )
      dropped.add(code);
    if (defects.shareAt !== undefined && n === defects.shareAt && first !== code) {
      shared.add(first);
      return Buffer.from(JSON.stringify({ ...parsed, code: first }));
    }
    return body;
  };

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? "/";
    const m = req.method === "GET" ? byCodePath.exec(path) : null;
    if (m && dropped.has(decodeURIComponent(m[1] ?? ""))) {
      req.resume();
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "DOSSIER_NOT_FOUND", message: "no dossier with this code" } }));
      return;
    }
    const submit = req.method === "POST" && path === "/api/v1/dossiers";
    const up = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (upRes) => {
        const ok = upRes.statusCode === 200 || upRes.statusCode === 201;
        if (!submit || !ok) {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upRes.on("data", (c: Buffer) => chunks.push(c));
        upRes.on("end", () => {
          const body = acknowledge(Buffer.concat(chunks));
          const headers = { ...upRes.headers, "content-length": String(body.length) };
          delete headers["transfer-encoding"];
          res.writeHead(upRes.statusCode ?? 200, headers);
          res.end(body);
        });
      },
    );
    up.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "BAD_GATEWAY", message: "upstream unreachable" } }));
    });
    req.pipe(up);
  };

  const server = await listenOnLoopback(createServer(forward));
  const close = async () => {
    await server.close();
    agent.destroy();
  };
  return {
    ...server,
    close,
    [Symbol.asyncDispose]: close,
    dropped,
    shared,
    acknowledged: () => codes.size,
  };
};
