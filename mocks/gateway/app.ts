import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { Pool } from "undici";
import type { Procedure } from "../contract/procedure.js";
import { generateCatalogue } from "../data/synthetic.js";
import { Admission } from "../lib/admission.js";
import { sendError } from "../lib/errors.js";

export interface GatewayOptions {
  /** Base URL of the dossier service, reached through its own toxiproxy link. */
  dossierUrl: string;
  seed: number;
  procedures?: number;
  maxInFlight?: number;
  maxQueue?: number;
  upstreamTimeoutMs?: number;
}

/** The portal gateway: catalogue, admission control, forwarding to the dossier service. Does not listen. */
export const buildApp = (options: GatewayOptions): FastifyInstance => {
  const app = Fastify({ logger: false, bodyLimit: 1_000_000 });
  const catalogue: Procedure[] = generateCatalogue(options.seed, options.procedures ?? 500);
  const byCode = new Map(catalogue.map((p) => [p.code, p]));
  const admission = new Admission(options.maxInFlight ?? 256, options.maxQueue ?? 512);
  const upstream = new Pool(options.dossierUrl, { connections: 64, pipelining: 1 });
  const timeout = options.upstreamTimeoutMs ?? 5000;
  app.addHook("onClose", async () => upstream.close());

  const forward = async (
    reply: FastifyReply,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<FastifyReply> => {
    const release = await admission.acquire();
    if (!release) return sendError(reply, "OVERLOADED", "the portal is at capacity, retry later", 1);
    try {
      const res = await upstream.request({
        method,
        path,
        headers: { "content-type": "application/json", ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const text = await res.body.text();
      return reply.code(res.statusCode).header("content-type", "application/json").send(text);
    } catch (e) {
      return sendError(reply, "UPSTREAM_UNAVAILABLE", `dossier service: ${(e as Error).message}`, 1);
    } finally {
      release();
    }
  };

  app.get("/healthz", async () => ({ ok: true }));

  app.get<{ Querystring: { q?: string; limit?: string } }>("/api/v1/procedures", async (request) => {
    const q = (request.query.q ?? "").toLowerCase();
    const limit = Math.min(Math.max(Number(request.query.limit ?? 20) || 20, 1), 100);
    const hits = q === "" ? catalogue : catalogue.filter((p) => p.name.toLowerCase().includes(q));
    return { items: hits.slice(0, limit), total: hits.length };
  });

  app.get<{ Params: { code: string } }>("/api/v1/procedures/:code", async (request, reply) => {
    const p = byCode.get(request.params.code);
    return p ?? sendError(reply, "PROCEDURE_NOT_FOUND", `no procedure ${request.params.code}`);
  });

  app.post("/api/v1/dossiers", async (request, reply) => {
    const key = request.headers["idempotency-key"];
    return forward(
      reply,
      "POST",
      "/dossiers",
      request.body,
      typeof key === "string" ? { "idempotency-key": key } : {},
    );
  });

  app.get<{ Params: { code: string } }>("/api/v1/dossiers/:code", async (request, reply) =>
    forward(reply, "GET", `/dossiers/${encodeURIComponent(request.params.code)}`),
  );

  app.get<{ Querystring: { idempotencyKey?: string } }>("/api/v1/dossiers", async (request, reply) =>
    forward(
      reply,
      "GET",
      `/dossiers?idempotencyKey=${encodeURIComponent(request.query.idempotencyKey ?? "")}`,
    ),
  );

  app.get("/metrics", async (_request, reply) => {
    const s = admission.stats;
    const lines = [
      "# TYPE portal_gateway_queue_depth gauge",
      `portal_gateway_queue_depth ${s.queued}`,
      "# TYPE portal_gateway_queue_peak gauge",
      `portal_gateway_queue_peak ${s.peakQueued}`,
      "# TYPE portal_gateway_in_flight gauge",
      `portal_gateway_in_flight ${s.inFlight}`,
      "# TYPE portal_gateway_shed_total counter",
      `portal_gateway_shed_total ${s.shed}`,
      "# TYPE portal_gateway_admitted_total counter",
      `portal_gateway_admitted_total ${s.admitted}`,
    ];
    return reply.header("content-type", "text/plain; version=0.0.4").send(`${lines.join("\n")}\n`);
  });

  return app;
};
