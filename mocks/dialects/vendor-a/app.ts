import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Pool } from "undici";
import { AppTokens, appTokenLifetimeS, sameSecret } from "./app-tokens.js";
import {
  contractPath,
  contractQuery,
  fastifyPath,
  signInPath,
  type VendorRoute,
  vendorBase,
  vendorRoutes,
} from "./routes.js";
import { toContract, vendorError, vendorReply } from "./translate.js";

export interface VendorAOptions {
  /** The mock gateway's contract API (loopback, plain HTTP). */
  gatewayUrl: string;
  /** The one registered client, and its secret. */
  clientId: string;
  clientSecret: string;
  /** Deadline of each call to the gateway (default 30 s). */
  timeoutMs?: number;
}

const send = (reply: FastifyReply, status: number, code: string, message: string, headers = {}) =>
  reply.code(status).headers(headers).send(vendorError(code, message));

/** vendor-a's request headers as the contract names them (the citizen's token, the idempotency key). */
const contractHeaders = (request: FastifyRequest): Record<string, string> => {
  const out: Record<string, string> = {};
  const citizen = request.headers["x-cong-dan-token"];
  const key = request.headers["x-ma-giao-dich"];
  if (typeof citizen === "string") out.authorization = citizen;
  if (typeof key === "string") out["idempotency-key"] = key;
  return out;
};

/**
 * vendor-a's API in front of the mock portal: every route under `/vendor-a/api/v2`, answered by calling the
 * gateway's contract API and translating both ways. Does not listen; the caller does.
 */
export const buildVendorAApp = (o: VendorAOptions): FastifyInstance => {
  const app = Fastify({ logger: false, bodyLimit: 1_000_000 });
  const gateway = new Pool(o.gatewayUrl, { connections: 64, pipelining: 1 });
  const timeoutMs = o.timeoutMs ?? 30_000;
  const tokens = new AppTokens();
  app.addHook("onClose", async () => gateway.close());

  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, "NOT_FOUND", `no operation ${request.method} ${request.url.split("?")[0]}`),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return send(reply, status, "BAD_REQUEST", error.message);
    return send(reply, 500, "INTERNAL", error.message);
  });

  /** One call to the gateway; an unreachable gateway is vendor-a's overload answer, 429 MAT_KET_NOI. */
  const call = async (
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ) => {
    try {
      const res = await gateway.request({
        method,
        path,
        headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.body.text();
      const retry = res.headers["retry-after"];
      return { status: res.statusCode, text, contentType: res.headers["content-type"], retry };
    } catch (e) {
      return { status: 503, text: "", contentType: undefined, retry: "1", error: (e as Error).message };
    }
  };

  // The gateway's own health and metrics, unchanged.
  for (const path of ["/healthz", "/metrics"]) {
    app.get(path, async (_request, reply) => {
      const res = await call("GET", path, {});
      if (res.contentType !== undefined) void reply.header("content-type", res.contentType);
      return reply.code(res.status).send(res.text);
    });
  }

  app.post(`${vendorBase}${signInPath}`, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    if (form.grant_type !== "client_credentials")
      return send(reply, 400, "BAD_REQUEST", "grant_type must be client_credentials");
    if (form.client_id !== o.clientId || !sameSecret(form.client_secret, o.clientSecret))
      return send(reply, 401, "UNAUTHORIZED", "unknown client or wrong secret");
    return reply.send({
      ketQua: "OK",
      duLieu: { maTruyCap: tokens.issue(), hieuLucGiay: appTokenLifetimeS },
    });
  });

  const forward = (route: VendorRoute) => async (request: FastifyRequest, reply: FastifyReply) => {
    const appToken = request.headers["x-ma-ung-dung"];
    if (!tokens.valid(typeof appToken === "string" ? appToken : undefined))
      return send(reply, 401, "UNAUTHORIZED", "missing or expired X-Ma-Ung-Dung application token");
    const path =
      contractPath(route, request.params as Record<string, string>) +
      contractQuery(route, (request.query ?? {}) as Record<string, unknown>);
    const body = route.method === "post" && request.body !== undefined ? toContract(request.body) : undefined;
    const res = await call(route.method === "get" ? "GET" : "POST", path, contractHeaders(request), body);
    if ("error" in res)
      return send(reply, 429, "UPSTREAM_UNAVAILABLE", "the portal does not answer", { "retry-after": "1" });
    let parsed: unknown = null;
    try {
      parsed = res.text === "" ? null : JSON.parse(res.text);
    } catch {
      return send(reply, 502, "BAD_GATEWAY", "the portal answered something that is not JSON");
    }
    const out = vendorReply(res.status, typeof res.retry === "string" ? res.retry : undefined, parsed);
    return reply.code(out.status).headers(out.headers).send(out.body);
  };
  for (const route of vendorRoutes)
    app.route({
      method: route.method.toUpperCase() as "GET" | "POST",
      url: fastifyPath(route.path),
      handler: forward(route),
    });
  return app;
};
