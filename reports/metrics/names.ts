/**
 * The Prometheus series the harness reads from a target's /metrics (any conforming portal may expose them;
 * a missing series makes its figure null with a reason). Gateway series are exposed by the mock's gateway.
 */
export const metricNames = {
  queueDepth: "portal_gateway_queue_depth",
  queuePeak: "portal_gateway_queue_peak",
  inFlight: "portal_gateway_in_flight",
  shed: "portal_gateway_shed_total",
  admitted: "portal_gateway_admitted_total",
  /** Standby promotions by the gateway. */
  failoverEvents: "portal_failover_events_total",
  /** Successful dossier writes by the role of the node that took them (`role="standby"`). */
  writes: "portal_dossier_writes_total",
  /** National-sync lag: age of the oldest message not yet accepted by the national portal. */
  syncLag: "portal_sync_lag_seconds",
  /** National-sync backlog: messages waiting in the provincial outbox. */
  syncBacklog: "portal_sync_backlog",
} as const;
