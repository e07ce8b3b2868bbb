import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { type OperationId, operations, routePath } from "../contract/operations.js";
import type { GuardedHttp } from "../engine/net/guarded-fetch.js";
import type { Redactor, SecretValues } from "../kernel/secrets.js";
import { AdapterCallError, type ContractReply, Forwarder, failureReply } from "./forward.js";
import type { ParsedAdapter } from "./load.js";
import { gatewayOperationIds } from "./schema.js";
import type { VendorContext } from "./session.js";

export interface BridgeOptions {
  adapter: ParsedAdapter;
  secrets: SecretValues;
  /** The vendor API's base URL, or the link (toxiproxy) in front of it with the same path. */
  upstream: string;
  /** The run's guarded client: every vendor call goes through its allowlist. */
  http: GuardedHttp;
  redactor: Redactor;
  /** Where the bridge's few log lines go; each has passed the redactor. Header values are never logged. */
  log?: (line: string) => void;
  /** Per vendor call (default 10 s). */
  timeoutMs?: number;
}

/** Failures are logged at most once a second, with how many were not. */
const failureLog = (log: (line: string) => void, now: () => number = Date.now) => {
  let last = Number.NEGATIVE_INFINITY;
  let quiet = 0;
  return (line: string) => {
    if (now() - last < 1000) {
      quiet += 1;
      return;
    }
    last = now();
    log(quiet > 0 ? `${line} (and ${quiet} more failures)` : line);
    quiet = 0;
  };
};

/** The vendor context of a bridge or a probe: the log line redacted before it goes anywhere. */
export const vendorContext = (o: BridgeOptions): VendorContext => {
  const log = o.log ?? (() => {});
  return {
    adapter: o.adapter,
    secrets: o.secrets,
    upstream: o.upstream.replace(/\/+$/, ""),
    http: o.http,
    redactor: o.redactor,
    log: (line) => log(o.redactor.redact(line)),
    timeoutMs: o.timeoutMs ?? 10_000,
  };
};

const send = (reply: FastifyReply, r: ContractReply) =>
  reply
    .code(r.status)
    .headers(r.headers)
    .header("content-type", "application/json")
    .send(JSON.stringify(r.body));

const metricsRoute = (app: FastifyInstance, ctx: VendorContext) => {
  app.get("/metrics", async (_request, reply) => {
    const path = ctx.adapter.metricsPath;
    if (path === undefined)
      return send(reply, {
        status: 404,
        headers: {},
        body: { error: { code: "NOT_MAPPED", message: "the adapter has no metricsPath" } },
      });
    try {
      const res = await ctx.http.get(`${new URL(ctx.upstream).origin}${path}`, ctx.timeoutMs);
      const text = await res.text();
      return reply
        .code(res.status)
        .header("content-type", res.header("content-type") ?? "text/plain; version=0.0.4")
        .send(text);
    } catch (e) {
      return send(reply, failureReply(new AdapterCallError("metrics", "unreachable", (e as Error).message)));
    }
  });
};

/**
 * The portal contract on loopback, answered by the vendor's API through the adapter: every gateway operation
 * of `contract/operations.ts` is a route; unmapped ones answer 501 NOT_MAPPED. `/healthz` answers here,
 * `/metrics` comes from the adapter's `metricsPath`. Does not listen (see `startBridge`).
 */
export const buildBridge = (o: BridgeOptions): FastifyInstance => {
  const ctx = vendorContext(o);
  const forwarder = new Forwarder(ctx);
  const logFailure = failureLog(ctx.log);
  const app = Fastify({ logger: false, bodyLimit: 1_048_576 });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
    const code =
      status === 400
        ? "BAD_REQUEST"
        : status === 415
          ? "UNSUPPORTED_MEDIA_TYPE"
          : status === 413
            ? "PAYLOAD_TOO_LARGE"
            : "INTERNAL";
    if (status === 500) ctx.log(`bridge error: ${error.message}`);
    return send(reply, { status, headers: {}, body: { error: { code, message: error.message } } });
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, {
      status: 404,
      headers: {},
      body: {
        error: { code: "NOT_FOUND", message: `no route ${request.method} ${request.url.split("?")[0]}` },
      },
    }),
  );
  app.get("/healthz", async () => ({ ok: true, adapter: ctx.adapter.name }));
  metricsRoute(app, ctx);
  for (const id of gatewayOperationIds) {
    const spec = operations[id];
    app.route({
      method: spec.method === "get" ? "GET" : "POST",
      url: routePath(spec.path),
      handler: async (request, reply) => {
        try {
          const r = await forwarder.call(id as OperationId, {
            params: request.params as Record<string, string>,
            query: request.query as Record<string, unknown>,
            headers: request.headers,
            body: request.body,
          });
          return send(reply, r);
        } catch (e) {
          if (!(e instanceof AdapterCallError)) throw e;
          logFailure(`${id}: ${e.message}`);
          return send(reply, failureReply(e));
        }
      },
    });
  }
  return app;
};

export interface RunningBridge extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: the contract's base URL for the journeys, the reconciler and the probes. */
  url: string;
  close(): Promise<void>;
}

/** Builds the bridge and listens on a free loopback port. */
export const startBridge = async (o: BridgeOptions): Promise<RunningBridge> => {
  const app = buildBridge(o);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const close = async () => {
    await app.close();
  };
  return { url: `http://127.0.0.1:${port}`, close, [Symbol.asyncDispose]: close };
};
