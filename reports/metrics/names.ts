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
  /** Successful dossier writes by the service's role; the first standby write after primary loss ends failover. */
  writes: "portal_dossier_writes_total",
  /** National-sync lag: age of the oldest dossier not yet acknowledged by the national portal. */
  syncLag: "portal_sync_lag_seconds",
  /** National-sync backlog: dossiers waiting in the provincial outbox. */
  syncBacklog: "portal_sync_backlog",
} as const;
