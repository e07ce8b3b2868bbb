import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { z } from "zod";
import type { WorkerPool } from "./capacity.js";
import { sendError } from "./errors.js";
import { Metrics, prometheusContentType } from "./metrics.js";

/**
 * A mock part's Fastify app with the contract's error conventions: unknown routes, malformed JSON, oversized
 * bodies and wrong content types answer with a coded 4xx body, so a bad request can never become a 500.
 */
export const createPartApp = (
  part: string,
  bodyLimit = 1_000_000,
): { app: FastifyInstance; metrics: Metrics } => {
  const app = Fastify({ logger: false, bodyLimit });
  // No constant labels: each part has its own endpoint, and readers match series by exact name and labels.
  const metrics = new Metrics();
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, "NOT_FOUND", `no operation ${request.method} ${request.url.split("?")[0]}`),
  );
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return sendError(reply, "PAYLOAD_TOO_LARGE", error.message);
    if (status === 415) return sendError(reply, "UNSUPPORTED_MEDIA_TYPE", error.message);
    if (status >= 400 && status < 500) return sendError(reply, "BAD_REQUEST", error.message);
    return sendError(reply, "INTERNAL", `${part}: ${error.message}`);
  });
  app.get("/metrics", async (_request, reply) =>
    reply.header("content-type", prometheusContentType).send(metrics.render()),
  );
  return { app, metrics };
};

const describeIssue = (where: string, error: z.ZodError): string => {
  const first = error.issues[0];
  const path = first?.path.length ? `${where}.${first.path.join(".")}` : where;
  return `${path}: ${first?.message ?? "invalid"}`;
};

/** Parses `value` or answers 400 with the first issue; returns undefined when it answered. */
export const parseOr400 = <S extends z.ZodType>(
  schema: S,
  value: unknown,
  reply: FastifyReply,
  where: string,
): z.infer<S> | undefined => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  void sendError(reply, "BAD_REQUEST", describeIssue(where, parsed.error));
  return undefined;
};

/** Exposes a worker pool's figures on the part's metrics. */
export const registerPoolMetrics = (metrics: Metrics, pool: WorkerPool): void => {
  metrics.register("portal_part_workers", "gauge", "configured workers", () => pool.spec.workers);
  metrics.register(
    "portal_part_service_time_seconds",
    "gauge",
    "configured service time per request",
    () => pool.spec.serviceTimeMs / 1000,
  );
  metrics.register(
    "portal_part_busy_workers",
    "gauge",
    "workers serving a request now",
    () => pool.stats.busy,
  );
  metrics.register(
    "portal_part_queue_depth",
    "gauge",
    "requests waiting for a worker",
    () => pool.stats.queued,
  );
  metrics.register("portal_part_queue_peak", "gauge", "largest queue seen", () => pool.stats.peakQueued);
  metrics.register("portal_part_completed_total", "counter", "requests served", () => pool.stats.completed);
};
