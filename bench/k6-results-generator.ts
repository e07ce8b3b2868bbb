import { once } from "node:events";
import { createWriteStream } from "node:fs";

/**
 * Writes a synthetic k6 JSON results file in the exact line shapes k6 v2 writes (copied from a real run of the
 * demo): per request the http_* trend, counter and rate points, a check, and per iteration the data and
 * iteration points, with metric declarations before first use. Load follows `rps` with a latency window and an
 * outage window, so the analysis has faults to find.
 */
export interface GeneratorOptions {
  /** Stop once about this many bytes are written. */
  bytes: number;
  /** Requests per second of simulated load. */
  rps: number;
  seed: number;
  t0Ms: number;
}

export interface GeneratedRun {
  bytes: number;
  requests: number;
  durationS: number;
  /** Faults the generated data shows (ms after t0), for the plan that goes with it. */
  faults: Array<{ id: string; kind: "latency" | "outage"; fromMs: number; toMs: number }>;
}

const steps = [
  { step: "browse", scenario: "citizen_browse", method: "GET", name: "GET /api/v1/procedures", share: 0.6 },
  {
    step: "status",
    scenario: "citizen_submit",
    method: "GET",
    name: "GET /api/v1/dossiers/{code}",
    share: 0.3,
  },
  { step: "submit", scenario: "citizen_submit", method: "POST", name: "POST /api/v1/dossiers", share: 0.1 },
] as const;

const declarations: Record<string, string> = {
  http_reqs:
    '{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}',
  http_req_duration:
    '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":[{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}]},"metric":"http_req_duration"}',
  http_req_blocked:
    '{"type":"Metric","data":{"name":"http_req_blocked","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_blocked"}',
  http_req_connecting:
    '{"type":"Metric","data":{"name":"http_req_connecting","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_connecting"}',
  http_req_tls_handshaking:
    '{"type":"Metric","data":{"name":"http_req_tls_handshaking","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_tls_handshaking"}',
  http_req_sending:
    '{"type":"Metric","data":{"name":"http_req_sending","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_sending"}',
  http_req_waiting:
    '{"type":"Metric","data":{"name":"http_req_waiting","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_waiting"}',
  http_req_receiving:
    '{"type":"Metric","data":{"name":"http_req_receiving","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_receiving"}',
  http_req_failed:
    '{"type":"Metric","data":{"name":"http_req_failed","type":"rate","contains":"default","thresholds":[{"threshold":"rate<0.5","abortOnFail":true,"delayAbortEval":"10s"}],"submetrics":null},"metric":"http_req_failed"}',
  checks:
    '{"type":"Metric","data":{"name":"checks","type":"rate","contains":"default","thresholds":[],"submetrics":null},"metric":"checks"}',
  data_sent:
    '{"type":"Metric","data":{"name":"data_sent","type":"counter","contains":"data","thresholds":[],"submetrics":null},"metric":"data_sent"}',
  data_received:
    '{"type":"Metric","data":{"name":"data_received","type":"counter","contains":"data","thresholds":[],"submetrics":null},"metric":"data_received"}',
  iteration_duration:
    '{"type":"Metric","data":{"name":"iteration_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"iteration_duration"}',
  iterations:
    '{"type":"Metric","data":{"name":"iterations","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"iterations"}',
  vus: '{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus"}',
};

/** mulberry32: small, fast, seeded. */
const rng = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** k6's time format: RFC 3339 with nanoseconds. */
const k6Time = (ms: number, nanos: number): string => {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2026-11-24T19:44:03.656Z
  const frac = String(Math.floor((ms % 1000) * 1e6) + nanos)
    .padStart(9, "0")
    .slice(0, 9);
  return `${iso.slice(0, 19)}.${frac}Z`;
};

export const generateK6Results = async (file: string, o: GeneratorOptions): Promise<GeneratedRun> => {
  const out = createWriteStream(file, { highWaterMark: 1 << 22 });
  const next = rng(o.seed);
  const declared = new Set<string>();
  let written = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  const emit = (metric: string, line: string) => {
    if (!declared.has(metric)) {
      declared.add(metric);
      const d = declarations[metric];
      if (d) {
        batch.push(d);
        batchBytes += d.length + 1;
      }
    }
    batch.push(line);
    batchBytes += line.length + 1;
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const text = `${batch.join("\n")}\n`;
    written += Buffer.byteLength(text);
    batch = [];
    batchBytes = 0;
    if (!out.write(text)) await once(out, "drain");
  };
  // A latency window from 40 % to 50 % of the run and an outage from 70 % to 72 %; the run length follows
  // from the byte budget (about 4 KB per request), estimated up front.
  const estRequests = o.bytes / 4000;
  const estDurationMs = (estRequests / o.rps) * 1000;
  const latency = { fromMs: estDurationMs * 0.4, toMs: estDurationMs * 0.5 };
  const outage = { fromMs: estDurationMs * 0.7, toMs: estDurationMs * 0.72 };
  let requests = 0;
  let tMs = 0;
  let lastVuSecond = -1;
  while (written + batchBytes < o.bytes) {
    tMs += (-Math.log(1 - next()) * 1000) / o.rps; // Poisson arrivals
    const second = Math.floor(tMs / 1000);
    const wall = o.t0Ms + tMs;
    if (second !== lastVuSecond) {
      lastVuSecond = second;
      emit(
        "vus",
        `{"metric":"vus","type":"Point","data":{"time":"${k6Time(wall, 257)}","value":${20 + Math.floor(next() * 10)},"tags":{}}}`,
      );
    }
    const u = next();
    const s = u < steps[0].share ? steps[0] : u < steps[0].share + steps[1].share ? steps[1] : steps[2];
    const province = `H${String(1 + Math.floor(next() * 34)).padStart(2, "0")}`;
    const inOutage = tMs >= outage.fromMs && tMs < outage.toMs;
    const inLatency = tMs >= latency.fromMs && tMs < latency.toMs;
    let duration = 1 + -Math.log(1 - next()) * 2.5;
    if (inLatency) duration += 300;
    const refused = inOutage && next() < 0.95;
    const status = refused ? "0" : s.step === "submit" ? "201" : "200";
    if (refused) duration = 0;
    const ok = !refused;
    const time = k6Time(wall, 751);
    const errorTags = refused ? '"error":"dial: connection refused","error_code":"1212",' : "";
    const tags = `{${errorTags}"expected_response":"${ok}","group":"","journey":"citizen","method":"${s.method}","name":"${s.name}",${ok ? '"proto":"HTTP/1.1",' : ""}"province":"${province}","scenario":"${s.scenario}","status":"${status}","step":"${s.step}","url":"${s.name}"}`;
    const point = (metric: string, value: number) =>
      emit(
        metric,
        `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}`,
      );
    point("http_reqs", 1);
    point("http_req_duration", Math.round(duration * 1e6) / 1e6);
    point("http_req_blocked", Math.round(next() * 1e6) / 1e6);
    point("http_req_connecting", Math.round(next() * 0.8e6) / 1e6);
    point("http_req_tls_handshaking", 0);
    point("http_req_sending", Math.round(next() * 0.1e6) / 1e6);
    point("http_req_waiting", Math.round(duration * 0.9e6) / 1e6);
    point("http_req_receiving", Math.round(duration * 0.05e6) / 1e6);
    point("http_req_failed", ok ? 0 : 1);
    const checkTags = `{"check":"${s.step === "browse" ? "catalogue searched" : s.step === "submit" ? "dossier acknowledged" : "status found"}","group":"","journey":"citizen","province":"${province}","scenario":"${s.scenario}","step":"${s.step}"}`;
    emit(
      "checks",
      `{"metric":"checks","type":"Point","data":{"time":"${time}","value":${ok ? 1 : 0},"tags":${checkTags}}}`,
    );
    const iterTags = `{"group":"","scenario":"${s.scenario}"}`;
    emit(
      "data_sent",
      `{"metric":"data_sent","type":"Point","data":{"time":"${time}","value":118,"tags":${iterTags}}}`,
    );
    emit(
      "data_received",
      `{"metric":"data_received","type":"Point","data":{"time":"${time}","value":2468,"tags":${iterTags}}}`,
    );
    emit(
      "iteration_duration",
      `{"metric":"iteration_duration","type":"Point","data":{"time":"${time}","value":${Math.round((duration + 0.5) * 1e6) / 1e6},"tags":${iterTags}}}`,
    );
    emit(
      "iterations",
      `{"metric":"iterations","type":"Point","data":{"time":"${time}","value":1,"tags":${iterTags}}}`,
    );
    requests++;
    if (batchBytes > 1 << 20) await flush();
  }
  await flush();
  out.end();
  await once(out, "finish");
  return {
    bytes: written,
    requests,
    durationS: Math.ceil(tMs / 1000),
    faults: [
      { id: "generated-latency", kind: "latency", ...latency },
      { id: "generated-outage", kind: "outage", ...outage },
    ],
  };
};
