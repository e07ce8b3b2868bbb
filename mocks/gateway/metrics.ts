import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Metrics } from "../lib/metrics.js";
import type { PaymentBook } from "./payments.js";
import type { GatewayShared } from "./shared.js";

/**
 * `Server-Timing: gateway;dur=MS` on every answer: the gateway's own time for it, so a client can tell the
 * portal's latency from its own machine's stalls. A plain function on the root instance, not an
 * encapsulated plugin: hooks added inside `app.register` reach only that plugin's routes, and this must
 * also cover the sibling plugins' routes, /metrics, /healthz and the 404 handler.
 */
export const registerServerTiming = (app: FastifyInstance): void => {
  const receivedAt = new WeakMap<FastifyRequest, number>();
  app.addHook("onRequest", async (request) => {
    receivedAt.set(request, performance.now());
  });
  app.addHook("onSend", async (request, reply) => {
    const since = receivedAt.get(request);
    if (since !== undefined)
      void reply.header("server-timing", `gateway;dur=${(performance.now() - since).toFixed(1)}`);
  });
};

const admissionMetrics = (metrics: Metrics, { admission, router, counters }: GatewayShared): void => {
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
    [...counters.upstreamErrors].map(([p, value]) => ({ labels: { part: p }, value })),
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
    () => counters.identityRejected,
  );
};

const failoverMetrics = (metrics: Metrics, { router, counters }: GatewayShared): void => {
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
    () =>
      (["primary", "standby"] as const).map((role) => ({ labels: { role }, value: counters.writes[role] })),
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
};

/**
 * The gateway's series on the part's /metrics (Prometheus text, served by `createPartApp`), read from the
 * shared state at scrape time. Registration order is the order of the exposition.
 */
export const registerGatewayMetrics = (metrics: Metrics, shared: GatewayShared, book: PaymentBook): void => {
  admissionMetrics(metrics, shared);
  failoverMetrics(metrics, shared);
  metrics.register(
    "portal_payments_pending",
    "gauge",
    "payments without a result callback yet",
    () => book.open,
  );
  metrics.register(
    "portal_payments_rebuilt_total",
    "counter",
    "payments this gateway did not know, rebuilt from the payment platform and the dossier",
    () => book.rebuilt,
  );
};
