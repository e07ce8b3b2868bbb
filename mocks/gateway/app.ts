import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { renderOpenApi } from "../../contract/openapi.js";
import { type OperationId, type OperationSpec, operations, routePath } from "../../contract/operations.js";
import { maXacThuc, type Payment } from "../../contract/payment.js";
import type { Procedure } from "../../contract/procedure.js";
import { generateCatalogue } from "../data/synthetic.js";
import { Admission, type AdmissionOptions } from "../lib/admission.js";
import { sendError } from "../lib/errors.js";
import { createPartApp, parseOr400 } from "../lib/part-app.js";
import { Upstream, type UpstreamReply } from "../lib/upstream.js";
import { variantBehaviour } from "../variants.js";
import { DossierRouter } from "./failover.js";

/** Base URLs of the other parts, each the listen address of the part's own toxiproxy link. */
export interface GatewayUpstreams {
  dossierPrimary: string;
  dossierStandby?: string;
  identity?: string;
  population?: string;
  payment?: string;
  documents?: string;
  reporting?: string;
  meetings?: string;
}

export interface GatewayOptions {
  upstreams: GatewayUpstreams;
  seed: number;
  variant?: string;
  procedures?: number;
  admission?: Partial<AdmissionOptions>;
  upstreamTimeoutMs?: number;
  /** Total time a submission may spend on idempotent retries (including a failover). */
  writeBudgetMs?: number;
  failover?: { healthIntervalMs?: number; healthTimeoutMs?: number; failoverAfterMs?: number | null };
  identityBulkhead?: { maxInFlight: number; maxQueue: number; timeoutMs: number };
  paymentSecret?: string;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;
interface Ctx<Id extends OperationId> {
  params: Infer<(typeof operations)[Id] extends { params: infer P } ? P : undefined>;
  query: Infer<(typeof operations)[Id] extends { query: infer Q } ? Q : undefined>;
  body: Infer<(typeof operations)[Id] extends { body: infer B } ? B : undefined>;
  headers: Infer<(typeof operations)[Id] extends { headers: infer H } ? H : undefined>;
  request: FastifyRequest;
  reply: FastifyReply;
}

class IdentityUnavailable extends Error {}

/**
 * The portal gateway: the only entry for citizens and officers. It validates every request against the
 * contract, admits it through a bounded queue (shedding with 503 + Retry-After), and forwards it to the part
 * that serves it, each through its own link; dossier traffic goes through the failover router.
 * Does not listen.
 */
export const buildApp = (options: GatewayOptions): FastifyInstance => {
  const behaviour = variantBehaviour(options.variant ?? "healthy");
  const { app, metrics } = createPartApp("gateway");
  const catalogue: Procedure[] = generateCatalogue(options.seed, options.procedures ?? 500);
  const byCode = new Map(catalogue.map((p) => [p.code, p]));
  const admission = new Admission({
    maxInFlight: options.admission?.maxInFlight ?? 256,
    maxQueue: behaviour.boundedQueue ? (options.admission?.maxQueue ?? 512) : Number.POSITIVE_INFINITY,
    maxQueueWaitMs: behaviour.boundedQueue ? (options.admission?.maxQueueWaitMs ?? 80) : null,
  });
  const timeoutMs = options.upstreamTimeoutMs ?? 2000;
  const writeBudgetMs = options.writeBudgetMs ?? 6000;
  const u = options.upstreams;
  const part = (url: string | undefined, connections = 32) =>
    url ? new Upstream(url, timeoutMs, connections) : null;
  const primary = new Upstream(u.dossierPrimary, timeoutMs, 128);
  const standby = u.dossierStandby ? new Upstream(u.dossierStandby, timeoutMs, 128) : null;
  const identity = part(u.identity);
  const population = part(u.population);
  const payment = part(u.payment);
  const documents = part(u.documents);
  const reporting = part(u.reporting, 8);
  const meetings = part(u.meetings);
  const router = new DossierRouter(primary, standby, {
    healthIntervalMs: options.failover?.healthIntervalMs ?? 500,
    healthTimeoutMs: options.failover?.healthTimeoutMs ?? 400,
    failoverAfterMs:
      options.failover?.failoverAfterMs === undefined
        ? behaviour.failoverAfterMs
        : options.failover.failoverAfterMs,
  });
  const bulkheadSpec = options.identityBulkhead ?? { maxInFlight: 32, maxQueue: 64, timeoutMs: 1000 };
  const identityBulkhead = behaviour.identityBulkhead
    ? new Admission({
        maxInFlight: bulkheadSpec.maxInFlight,
        maxQueue: bulkheadSpec.maxQueue,
        maxQueueWaitMs: 200,
      })
    : null;
  const secret = options.paymentSecret ?? "synthetic-shared-secret";
  const payments = new Map<string, Payment>();
  const stats = { upstreamErrors: new Map<string, number>(), identityRejected: 0 };
  const openApi = renderOpenApi();

  app.addHook("onReady", async () => router.start());
  // The gateway's own answer time, so a client can tell the portal's latency from its own machine's stalls.
  const receivedAt = new WeakMap<FastifyRequest, number>();
  app.addHook("onRequest", async (request) => {
    receivedAt.set(request, performance.now());
  });
  app.addHook("onSend", async (request, reply) => {
    const since = receivedAt.get(request);
    if (since !== undefined)
      void reply.header("server-timing", `gateway;dur=${(performance.now() - since).toFixed(1)}`);
  });
  app.addHook("onClose", async () => {
    router.stop();
    await Promise.all(
      [primary, standby, identity, population, payment, documents, reporting, meetings].map((x) =>
        x?.close(),
      ),
    );
  });

  const upstreamError = (reply: FastifyReply, partName: string, e: unknown) => {
    stats.upstreamErrors.set(partName, (stats.upstreamErrors.get(partName) ?? 0) + 1);
    return sendError(reply, "UPSTREAM_UNAVAILABLE", `${partName}: ${(e as Error).message}`, 1);
  };
  const writes = { primary: 0, standby: 0 };
  const relay = (reply: FastifyReply, r: UpstreamReply, node?: "primary" | "standby", write = false) => {
    if (node) void reply.header("x-portal-node", node);
    if (write && node && r.status >= 200 && r.status < 300) writes[node]++;
    const retryAfter = r.headers["retry-after"];
    if (typeof retryAfter === "string") void reply.header("retry-after", retryAfter);
    return reply.code(r.status).header("content-type", "application/json; charset=utf-8").send(r.text);
  };
  const call = async (
    reply: FastifyReply,
    name: string,
    upstream: Upstream | null,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ) => {
    if (!upstream) return sendError(reply, "UPSTREAM_UNAVAILABLE", `${name} is not configured`, 1);
    try {
      return relay(reply, await upstream.request(method, path, body === undefined ? {} : { body }));
    } catch (e) {
      return upstreamError(reply, name, e);
    }
  };

  /** Calls identity behind its bulkhead and timeout; without them (identity-cascade) a slow identity holds slots. */
  const identityCall = async (
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<UpstreamReply> => {
    if (!identity) throw new IdentityUnavailable("identity is not configured");
    if (!identityBulkhead)
      return identity.request(method, path, { ...(body === undefined ? {} : { body }), timeoutMs: null });
    const release = await identityBulkhead.acquire();
    if (!release) {
      stats.identityRejected++;
      throw new IdentityUnavailable("identity bulkhead full");
    }
    try {
      return await identity.request(method, path, {
        ...(body === undefined ? {} : { body }),
        timeoutMs: bulkheadSpec.timeoutMs,
      });
    } catch (e) {
      throw new IdentityUnavailable((e as Error).message);
    } finally {
      release();
    }
  };
  const viaIdentity = async (reply: FastifyReply, method: "GET" | "POST", path: string, body?: unknown) => {
    try {
      return relay(reply, await identityCall(method, path, body));
    } catch (e) {
      return sendError(reply, "IDENTITY_UNAVAILABLE", (e as Error).message, 1);
    }
  };
  /** The citizen a bearer token belongs to, null without a token; answers 401/503 itself when it fails. */
  const bearerSubject = async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<string | null | "answered"> => {
    const header = request.headers.authorization;
    if (!header) return null;
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      sendError(reply, "UNAUTHORIZED", "Authorization: Bearer <token>");
      return "answered";
    }
    try {
      const r = await identityCall("POST", "/introspect", { token });
      const body = JSON.parse(r.text) as { active?: boolean; sub?: string };
      if (r.status === 200 && body.active && body.sub) return body.sub;
      sendError(reply, "UNAUTHORIZED", "the token is not active");
    } catch (e) {
      sendError(reply, "IDENTITY_UNAVAILABLE", (e as Error).message, 1);
    }
    return "answered";
  };

  /** Registers one contract operation: validate, admit, serve. */
  const operation = <Id extends OperationId>(
    id: Id,
    serve: (ctx: Ctx<Id>) => Promise<unknown>,
    admit = true,
  ): void => {
    const spec: OperationSpec = operations[id];
    app.route({
      method: spec.method.toUpperCase() as "GET" | "POST",
      url: routePath(spec.path),
      handler: async (request, reply) => {
        const ctx = { request, reply } as Ctx<Id>;
        const parts = [
          ["params", spec.params, request.params],
          ["query", spec.query, request.query],
          ["headers", spec.headers, request.headers],
          ["body", spec.body, request.body ?? {}],
        ] as const;
        for (const [where, schema, value] of parts) {
          if (!schema) continue;
          const parsed = parseOr400(schema, value, reply, where);
          if (parsed === undefined) return reply;
          (ctx as unknown as Record<string, unknown>)[where] = parsed;
        }
        if (!admit) return serve(ctx);
        const release = await admission.acquire();
        if (!release) return sendError(reply, "OVERLOADED", "the portal is at capacity, retry later", 1);
        try {
          return await serve(ctx);
        } finally {
          release();
        }
      },
    });
  };

  app.get("/healthz", async () => ({ ok: true, dossierNode: router.active, epoch: router.epoch }));
  app.get("/openapi.json", async (_request, reply) =>
    reply.header("content-type", "application/json; charset=utf-8").send(openApi),
  );

  operation("searchProcedures", async ({ query }) => {
    const q = (query.q ?? "").toLowerCase();
    const hits = catalogue.filter(
      (p) => (q === "" || p.name.toLowerCase().includes(q)) && (!query.level || p.level === query.level),
    );
    return { items: hits.slice(query.offset, query.offset + query.limit), total: hits.length };
  });
  operation(
    "getProcedure",
    async ({ params, reply }) =>
      byCode.get(params.code) ?? sendError(reply, "PROCEDURE_NOT_FOUND", `no procedure ${params.code}`),
  );

  operation("oidcConfiguration", async ({ reply }) =>
    viaIdentity(reply, "GET", "/.well-known/openid-configuration"),
  );
  operation("jwks", async ({ reply }) => viaIdentity(reply, "GET", "/jwks"));
  operation("authorize", async ({ reply, body }) => viaIdentity(reply, "POST", "/authorize", body));
  operation("token", async ({ reply, body }) => viaIdentity(reply, "POST", "/token", body));

  operation("getCitizen", async ({ request, reply, params }) => {
    const sub = await bearerSubject(request, reply);
    if (sub === "answered") return reply;
    if (sub === null) return sendError(reply, "UNAUTHORIZED", "a bearer token is required");
    if (sub !== params.citizenId) return sendError(reply, "FORBIDDEN", "a citizen may look up only themself");
    return call(reply, "population", population, "GET", `/citizens/${params.citizenId}`);
  });

  operation("submitDossier", async ({ request, reply, body, headers }) => {
    const sub = await bearerSubject(request, reply);
    if (sub === "answered") return reply;
    if (sub !== null && sub !== body.applicant.citizenId)
      return sendError(reply, "FORBIDDEN", "the applicant must be the signed-in citizen");
    try {
      const r = await router.write(
        "/dossiers",
        body,
        { "idempotency-key": headers["idempotency-key"] },
        timeoutMs,
        writeBudgetMs,
      );
      return relay(reply, r, r.node, true);
    } catch (e) {
      return upstreamError(reply, "dossier", e);
    }
  });

  const readDossier = async (reply: FastifyReply, path: string) => {
    try {
      const r = await router.read(path, timeoutMs);
      return relay(reply, r, r.node);
    } catch (e) {
      return upstreamError(reply, "dossier", e);
    }
  };
  operation("getDossier", async ({ reply, params }) =>
    readDossier(reply, `/dossiers/${encodeURIComponent(params.code)}`),
  );
  operation("findDossiersByKey", async ({ reply, query }) =>
    readDossier(reply, `/dossiers?idempotencyKey=${encodeURIComponent(query.idempotencyKey)}`),
  );
  operation("transitionDossier", async ({ reply, params, body }) => {
    // Not retried: a repeated move could land on the new status and be refused as illegal, hiding success.
    try {
      const r = await router.write(
        `/dossiers/${encodeURIComponent(params.code)}/transitions`,
        body,
        {},
        timeoutMs,
        timeoutMs,
        1,
      );
      return relay(reply, r, r.node, true);
    } catch (e) {
      return upstreamError(reply, "dossier", e);
    }
  });

  operation("createPayment", async ({ reply, body }) => {
    if (!payment) return sendError(reply, "UPSTREAM_UNAVAILABLE", "payment is not configured", 1);
    try {
      const found = await router.read(`/dossiers/${encodeURIComponent(body.dossierCode)}`, timeoutMs);
      if (found.status !== 200) return relay(reply, found, found.node);
      const NoiDung = `Le phi ho so ${body.dossierCode}`;
      const init = await payment.json<{ error_code?: string; MaGiaoDich?: string }>("POST", "/payment/init", {
        body: {
          MaThamChieu: body.dossierCode,
          SoTien: body.amountVnd,
          NoiDung,
          MaXacThuc: maXacThuc([body.dossierCode, body.amountVnd, NoiDung], secret),
        },
      });
      if (init.status !== 200 || !init.body?.MaGiaoDich)
        return sendError(reply, "UPSTREAM_UNAVAILABLE", `payment INIT answered ${init.status}`, 1);
      const p: Payment = {
        paymentId: init.body.MaGiaoDich,
        dossierCode: body.dossierCode,
        amountVnd: body.amountVnd,
        status: "pending",
        payUrl: `/api/v1/payments/${init.body.MaGiaoDich}/confirm`,
        createdAt: new Date().toISOString(),
      };
      payments.set(p.paymentId, p);
      return reply.code(201).send(p);
    } catch (e) {
      return upstreamError(reply, "payment", e);
    }
  });
  operation("confirmPayment", async ({ reply, params, body }) => {
    const p = payments.get(params.paymentId);
    if (!p) return sendError(reply, "PAYMENT_NOT_FOUND", `no payment ${params.paymentId}`);
    if (!payment) return sendError(reply, "UPSTREAM_UNAVAILABLE", "payment is not configured", 1);
    try {
      const r = await payment.request("POST", `/payment/${encodeURIComponent(p.paymentId)}/confirm`, {
        body,
      });
      if (r.status !== 202) return relay(reply, r);
      if (p.status === "pending") p.status = "processing";
      return reply.code(202).send({ paymentId: p.paymentId, status: p.status });
    } catch (e) {
      return upstreamError(reply, "payment", e);
    }
  });
  operation(
    "getPayment",
    async ({ reply, params }) =>
      payments.get(params.paymentId) ??
      sendError(reply, "PAYMENT_NOT_FOUND", `no payment ${params.paymentId}`),
    false,
  );
  operation("paymentCallback", async ({ reply, body }) => {
    const expected = maXacThuc([body.MaGiaoDich, body.MaThamChieu, body.SoTien, body.KetQua], secret);
    if (expected !== body.MaXacThuc) return sendError(reply, "BAD_CHECKSUM", "MaXacThuc does not match");
    const p = payments.get(body.MaGiaoDich);
    if (!p) return sendError(reply, "PAYMENT_NOT_FOUND", `no payment ${body.MaGiaoDich}`);
    if (p.status === "paid" || p.status === "failed")
      return { error_code: "00", message: "already recorded" };
    const result = body.KetQua === "00" ? "paid" : "failed";
    try {
      const r = await router.write(
        `/dossiers/${encodeURIComponent(p.dossierCode)}/payments`,
        { paymentId: p.paymentId, amountVnd: p.amountVnd, result },
        {},
        timeoutMs,
        writeBudgetMs,
      );
      // Not recorded on the dossier: answer 503 so the platform retries the callback.
      if (r.status !== 200)
        return sendError(reply, "UPSTREAM_UNAVAILABLE", `dossier answered ${r.status}`, 1);
    } catch (e) {
      return upstreamError(reply, "dossier", e);
    }
    p.status = result;
    p.callbackAt = new Date().toISOString();
    return { error_code: "00", message: "ok" };
  });

  operation("syncStatus", async ({ reply }) => readDossier(reply, "/sync/status"));
  operation("nationalDossier", async ({ reply, params }) =>
    readDossier(reply, `/sync/dossiers/${encodeURIComponent(params.code)}`),
  );

  operation("createDocument", async ({ reply, body }) =>
    call(reply, "documents", documents, "POST", "/documents", body),
  );
  operation("getDocument", async ({ reply, params }) =>
    call(reply, "documents", documents, "GET", `/documents/${params.id}`),
  );
  operation("forwardDocument", async ({ reply, params, body }) =>
    call(reply, "documents", documents, "POST", `/documents/${params.id}/forward`, body),
  );
  operation("signDocument", async ({ reply, params, body }) =>
    call(reply, "documents", documents, "POST", `/documents/${params.id}/sign`, body),
  );
  operation("dossierReport", async ({ reply, query }) => {
    const qs = new URLSearchParams(
      Object.entries(query).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
    return call(reply, "reporting", reporting, "GET", `/reports/dossiers?${qs.toString()}`);
  });
  operation("getMeeting", async ({ reply, params }) =>
    call(reply, "meetings", meetings, "GET", `/meetings/${params.id}`),
  );
  operation("joinMeeting", async ({ reply, params, body }) =>
    call(reply, "meetings", meetings, "POST", `/meetings/${params.id}/join`, body),
  );
  operation("leaveMeeting", async ({ reply, params, body }) =>
    call(reply, "meetings", meetings, "POST", `/meetings/${params.id}/leave`, body),
  );

  const s = admission.stats;
  metrics.register("portal_gateway_queue_depth", "gauge", "requests waiting for admission", () => s.queued);
  metrics.register("portal_gateway_queue_peak", "gauge", "largest admission queue seen", () => s.peakQueued);
  metrics.register("portal_gateway_in_flight", "gauge", "requests being served", () => s.inFlight);
  metrics.register(
    "portal_gateway_max_in_flight",
    "gauge",
    "admission capacity",
    () => admission.options.maxInFlight,
  );
  metrics.register(
    "portal_gateway_shed_total",
    "counter",
    "requests shed with 503 + Retry-After",
    () => s.shed,
  );
  metrics.register("portal_gateway_shed_by_reason_total", "counter", "requests shed, by reason", () => [
    { labels: { reason: "queue-full" }, value: s.shedQueueFull },
    { labels: { reason: "deadline" }, value: s.shedDeadline },
  ]);
  metrics.register("portal_gateway_admitted_total", "counter", "requests admitted", () => s.admitted);
  metrics.register("portal_gateway_upstream_errors_total", "counter", "calls to a part that failed", () =>
    [...stats.upstreamErrors].map(([p, value]) => ({ labels: { part: p }, value })),
  );
  metrics.register(
    "portal_gateway_retries_total",
    "counter",
    "idempotent retries to the dossier service",
    () => router.retries,
  );
  metrics.register(
    "portal_identity_bulkhead_rejected_total",
    "counter",
    "identity calls refused by the bulkhead",
    () => stats.identityRejected,
  );
  metrics.register(
    "portal_failover_events_total",
    "counter",
    "standby promotions",
    () => router.events.length,
  );
  metrics.register(
    "portal_failover_epoch",
    "gauge",
    "epoch of the acting dossier primary",
    () => router.epoch,
  );
  metrics.register("portal_failover_active_node", "gauge", "1 for the node taking dossier traffic", () => [
    { labels: { node: router.active }, value: 1 },
  ]);
  metrics.register(
    "portal_failover_last_detection_seconds",
    "gauge",
    "last good primary health check to promotion, last failover",
    () => (router.events.at(-1)?.detectedAfterMs ?? 0) / 1000,
  );
  metrics.register(
    "portal_dossier_writes_total",
    "counter",
    "successful dossier writes, by the node that took them",
    () => (["primary", "standby"] as const).map((role) => ({ labels: { role }, value: writes[role] })),
  );
  metrics.register("portal_sync_backlog", "gauge", "national sync messages waiting in the outbox", () =>
    router.sync ? router.sync.pending : 0,
  );
  metrics.register(
    "portal_sync_lag_seconds",
    "gauge",
    "age of the oldest undelivered national message",
    () => (router.sync?.oldestPendingAgeMs ?? 0) / 1000,
  );
  metrics.register(
    "portal_payments_pending",
    "gauge",
    "payments without a result callback yet",
    () => [...payments.values()].filter((p) => p.status === "pending" || p.status === "processing").length,
  );
  return app;
};
