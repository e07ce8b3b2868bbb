import type { Metrics } from "../lib/metrics.js";
import { registerPoolMetrics } from "../lib/part-app.js";
import type { DossierNode } from "./node.js";

/** The node's series on its /metrics, read from its state at scrape time, in exposition order. */
export const registerDossierMetrics = (metrics: Metrics, node: DossierNode): void => {
  const { state, store, counters, outbox } = node;
  registerPoolMetrics(metrics, node.pool);
  metrics.register("portal_dossier_role", "gauge", "1 for the role this node plays now", () => [
    { labels: { role: state.role }, value: 1 },
  ]);
  metrics.register("portal_dossier_epoch", "gauge", "failover epoch this node is in", () => state.epoch);
  metrics.register("portal_dossiers", "gauge", "dossiers held", () => store.size);
  metrics.register(
    "portal_dossier_created_total",
    "counter",
    "dossiers created here",
    () => counters.created,
  );
  metrics.register("portal_replication_lag_ops", "gauge", "store ops not yet applied on the standby", () =>
    node.replicator ? node.replicator.lag : 0,
  );
  metrics.register(
    "portal_replication_refused_total",
    "counter",
    "writes refused: replication backlog full",
    () => counters.refusedBacklog,
  );
  metrics.register("portal_sync_backlog", "gauge", "messages not yet delivered to the national portal", () =>
    outbox ? outbox.status().pending : 0,
  );
  metrics.register(
    "portal_sync_lag_seconds",
    "gauge",
    "age of the oldest undelivered national message",
    () => (outbox ? outbox.status().oldestPendingAgeMs / 1000 : 0),
  );
  metrics.register("portal_sync_delivered_total", "counter", "messages the national portal accepted", () =>
    outbox ? outbox.stats.delivered : 0,
  );
  metrics.register("portal_sync_failed_attempts_total", "counter", "failed national deliveries", () =>
    outbox ? outbox.stats.failedAttempts : 0,
  );
};
