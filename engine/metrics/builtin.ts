/** Metric types and value kinds as k6 names them in its JSON output and summary. */
export type MetricType = "counter" | "gauge" | "rate" | "trend";
export type MetricContains = "default" | "time" | "data";

export interface MetricDef {
  name: string;
  type: MetricType;
  contains: MetricContains;
}

const def = (name: string, type: MetricType, contains: MetricContains = "default"): MetricDef => ({
  name,
  type,
  contains,
});

/** k6's built-in metrics, plus `iteration_start_lag`: how late the engine started a scheduled iteration. */
export const builtinMetrics = {
  vus: def("vus", "gauge"),
  vusMax: def("vus_max", "gauge"),
  iterations: def("iterations", "counter"),
  iterationDuration: def("iteration_duration", "trend", "time"),
  droppedIterations: def("dropped_iterations", "counter"),
  iterationStartLag: def("iteration_start_lag", "trend", "time"),
  dataSent: def("data_sent", "counter", "data"),
  dataReceived: def("data_received", "counter", "data"),
  checks: def("checks", "rate"),
  groupDuration: def("group_duration", "trend", "time"),
  httpReqs: def("http_reqs", "counter"),
  httpReqFailed: def("http_req_failed", "rate"),
  httpReqDuration: def("http_req_duration", "trend", "time"),
  httpReqBlocked: def("http_req_blocked", "trend", "time"),
  httpReqConnecting: def("http_req_connecting", "trend", "time"),
  httpReqTlsHandshaking: def("http_req_tls_handshaking", "trend", "time"),
  httpReqSending: def("http_req_sending", "trend", "time"),
  httpReqWaiting: def("http_req_waiting", "trend", "time"),
  httpReqReceiving: def("http_req_receiving", "trend", "time"),
} as const;

export const builtinByName: ReadonlyMap<string, MetricDef> = new Map(
  Object.values(builtinMetrics).map((m) => [m.name, m]),
);

/** The HTTP trends a request record expands into, in the order the record carries them. */
export const httpTrendOrder = [
  builtinMetrics.httpReqDuration,
  builtinMetrics.httpReqBlocked,
  builtinMetrics.httpReqConnecting,
  builtinMetrics.httpReqTlsHandshaking,
  builtinMetrics.httpReqSending,
  builtinMetrics.httpReqWaiting,
  builtinMetrics.httpReqReceiving,
] as const;

/** k6's metric-name rule: letters, digits and underscores, starting with a letter or underscore, ≤ 128. */
export const validMetricName = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name);
