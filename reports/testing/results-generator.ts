import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { constants, createGzip } from "node:zlib";
import { TimeFormatter } from "../../engine/clock/clock.js";

/**
 * Writes a synthetic results file in the exact line shapes the load engine writes (k6's JSON line format,
 * copied from a real `portal-harness exec` run): a Metric line before each metric's first point; per
 * iteration `iteration_start_lag` at its start, then per request `http_reqs`, the seven `http_req_*` trends
 * and `http_req_failed` at its end, its check, and `data_sent`, `data_received`, `iteration_duration`,
 * `iterations`; `dropped_iterations` for a start that found no VU; `vus` and `vus_max` once a second. Lines
 * are in time order, like the engine's. The load is an open model (`ramping-arrival-rate` at `rps`, Poisson
 * arrivals, a pool of VUs) with a latency window (VUs pile up, a few iterations are dropped) and an outage
 * window (refused connections), so the analysis has faults to find. A name ending in `.gz` is gzipped at
 * level 1, as the engine does.
 */
export interface GeneratorOptions {
  /** Stop once about this many bytes of JSON lines (uncompressed) are written. */
  bytes: number;
  /** Iterations (one request each) per second of simulated load. */
  rps: number;
  seed: number;
  t0Ms: number;
  /** The scenario's VU pool (default 20 pre-allocated, at most 48: a few drops in the latency window). */
  maxVUs?: number;
}

export interface GeneratedRun {
  /** Bytes of JSON lines (uncompressed). */
  bytes: number;
  /** Bytes of the file as stored (gzipped or not). */
  fileBytes: number;
  requests: number;
  /** Iterations the schedule asked for: started ones and dropped ones. */
  plannedIterations: number;
  droppedIterations: number;
  vusMax: number;
  durationS: number;
  /** Faults the generated data shows (ms after t0), for the plan that goes with it. */
  faults: Array<{ id: string; kind: "latency" | "outage"; fromMs: number; toMs: number }>;
}

const origin = "http://127.0.0.1:26401";
const words = ["ho-tich", "khai-sinh", "dat-dai", "cu-tru", "doanh-nghiep", "giay-phep-lai-xe"];

const steps = [
  {
    step: "browse",
    scenario: "citizen_browse",
    method: "GET",
    name: "GET /api/v1/procedures",
    check: "catalogue searched",
    okStatus: "200",
    share: 0.6,
    sent: 150,
    received: 2468,
  },
  {
    step: "status",
    scenario: "citizen_submit",
    method: "GET",
    name: "GET /api/v1/dossiers/{code}",
    check: "status found",
    okStatus: "200",
    share: 0.3,
    sent: 190,
    received: 912,
  },
  {
    step: "submit",
    scenario: "citizen_submit",
    method: "POST",
    name: "POST /api/v1/dossiers",
    check: "dossier acknowledged",
    okStatus: "201",
    share: 0.1,
    sent: 846,
    received: 431,
  },
] as const;

/** Metric lines exactly as the engine declares them, with the thresholds the harness's plan sets. */
const declarations: Record<string, string> = {
  iteration_start_lag:
    '{"type":"Metric","data":{"name":"iteration_start_lag","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"iteration_start_lag"}',
  dropped_iterations:
    '{"type":"Metric","data":{"name":"dropped_iterations","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"dropped_iterations"}',
  http_reqs:
    '{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}',
  http_req_duration:
    '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[{"threshold":"p(99)<10000","abortOnFail":true,"delayAbortEval":"10s"}],"submetrics":[{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}]},"metric":"http_req_duration"}',
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
  vus_max:
    '{"type":"Metric","data":{"name":"vus_max","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus_max"}',
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

/** The engine writes values as JavaScript numbers of at most microsecond-fraction precision. */
const num = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Lines waiting for their time: a binary min-heap on time, ties in insertion order. */
interface Pending {
  t: number;
  seq: number;
  /** Point lines (with the metrics they need declared first), all at time `t`. */
  lines: Array<[metric: string, line: string]>;
  /** An iteration's end: its VU is free again. */
  frees: boolean;
}

class PendingHeap {
  private readonly items: Pending[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Pending | undefined {
    return this.items[0];
  }
  private less(a: Pending, b: Pending): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
  push(p: Pending): void {
    const h = this.items;
    h.push(p);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as Pending, h[parent] as Pending)) break;
      [h[i], h[parent]] = [h[parent] as Pending, h[i] as Pending];
      i = parent;
    }
  }
  pop(): Pending | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as Pending, h[m] as Pending)) m = l;
        if (r < h.length && this.less(h[r] as Pending, h[m] as Pending)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Pending, h[i] as Pending];
        i = m;
      }
    }
    return top;
  }
}

/** About this many bytes of JSON lines per iteration (measured), to place the fault windows up front. */
const bytesPerIteration = 4500;

type Step = (typeof steps)[number];

const point = (metric: string, time: string, value: number, tags: string): [string, string] => [
  metric,
  `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}`,
];

/** The results file: lines batched, each metric's declaration written before its first point. */
class ResultsFile {
  written = 0;
  batchBytes = 0;
  private batch: string[] = [];
  private readonly declared = new Set<string>();
  private readonly out: WriteStream;
  private readonly sink: Writable;

  constructor(file: string) {
    this.out = createWriteStream(file, { highWaterMark: 1 << 22 });
    const gzip = file.endsWith(".gz") ? createGzip({ level: 1, flush: constants.Z_NO_FLUSH }) : null;
    if (gzip) gzip.pipe(this.out);
    this.sink = gzip ?? this.out;
  }

  get fileBytes(): number {
    return this.out.bytesWritten;
  }

  emit(metric: string, line: string): void {
    if (!this.declared.has(metric)) {
      this.declared.add(metric);
      const d = declarations[metric];
      if (d) {
        this.batch.push(d);
        this.batchBytes += d.length + 1;
      }
    }
    this.batch.push(line);
    this.batchBytes += line.length + 1;
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const text = `${this.batch.join("\n")}\n`;
    this.written += Buffer.byteLength(text);
    this.batch = [];
    this.batchBytes = 0;
    if (!this.sink.write(text)) await once(this.sink, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.sink.end();
    await once(this.out, "close");
  }
}

/**
 * The simulated load: Poisson arrivals on one ramping-arrival-rate scenario's VU pool, each iteration's lines
 * held until their time, written in time order with the `vus` and `vus_max` gauges once a second.
 */
class SyntheticLoad {
  readonly next: () => number;
  readonly times = new TimeFormatter();
  /** A latency window from 40 % to 50 % of the run and an outage from 70 % to 72 %. */
  readonly latency: { fromMs: number; toMs: number };
  readonly outage: { fromMs: number; toMs: number };
  private readonly maxVUs: number;
  allocated: number;
  busy = 0;
  vusMaxPeak: number;
  private readonly pending = new PendingHeap();
  private seq = 0;
  requests = 0;
  planned = 0;
  dropped = 0;
  private nextGaugeMs = 1000;
  tMs = 0;
  lastMs = 0;

  constructor(
    private readonly o: GeneratorOptions,
    private readonly file: ResultsFile,
  ) {
    this.next = rng(o.seed);
    // The run length follows from the byte budget, estimated up front.
    const estDurationMs = (o.bytes / bytesPerIteration / o.rps) * 1000;
    this.latency = { fromMs: estDurationMs * 0.4, toMs: estDurationMs * 0.5 };
    this.outage = { fromMs: estDurationMs * 0.7, toMs: estDurationMs * 0.72 };
    // Enough VUs for normal load, short of the latency window's peak.
    this.maxVUs = o.maxVUs ?? 48;
    this.allocated = Math.min(20, this.maxVUs);
    this.vusMaxPeak = this.allocated;
  }

  private time(ms: number): string {
    return this.times.format(this.o.t0Ms + ms);
  }

  private later(t: number, lines: Array<[string, string]>, frees = false): void {
    if (t > this.lastMs) this.lastMs = t;
    this.pending.push({ t, seq: this.seq++, lines, frees });
  }

  /** Writes everything due up to `untilMs` (ms after t0) in time order, with the gauges once a second. */
  drain(untilMs: number): void {
    for (;;) {
      const p = this.pending.peek();
      const dueGauge = this.nextGaugeMs <= untilMs && (!p || this.nextGaugeMs <= p.t);
      if (dueGauge) {
        const time = this.time(this.nextGaugeMs);
        this.file.emit(
          "vus",
          `{"metric":"vus","type":"Point","data":{"time":"${time}","value":${this.busy},"tags":{}}}`,
        );
        this.file.emit(
          "vus_max",
          `{"metric":"vus_max","type":"Point","data":{"time":"${time}","value":${this.allocated},"tags":{}}}`,
        );
        this.nextGaugeMs += 1000;
        continue;
      }
      if (!p || p.t > untilMs) return;
      this.pending.pop();
      for (const [metric, line] of p.lines) this.file.emit(metric, line);
      if (p.frees) this.busy--;
    }
  }

  /**
   * The next arrival: its iteration runs on a free VU (one initialised if the pool allows), or is dropped;
   * false when dropped.
   */
  arrive(): boolean {
    this.tMs += (-Math.log(1 - this.next()) * 1000) / this.o.rps; // Poisson arrivals
    this.drain(this.tMs);
    this.planned++;
    const u = this.next();
    const s = u < steps[0].share ? steps[0] : u < steps[0].share + steps[1].share ? steps[1] : steps[2];
    const iterTags = `{"group":"","scenario":"${s.scenario}"}`;
    let initMs = 0;
    if (this.busy >= this.allocated) {
      if (this.allocated >= this.maxVUs) {
        this.dropped++;
        this.later(this.tMs, [point("dropped_iterations", this.time(this.tMs), 1, iterTags)]);
        return false;
      }
      this.allocated++; // a VU initialised mid-run: its first start is later
      if (this.allocated > this.vusMaxPeak) this.vusMaxPeak = this.allocated;
      initMs = 1 + this.next() * 2;
    }
    this.busy++;
    // The engine's own lateness: usually well under a millisecond, now and then a pause of its event loop.
    let lag = 0.04 + -Math.log(1 - this.next()) * 0.12 + initMs;
    if (this.next() < 0.002) lag += 5 + this.next() * 10;
    const startMs = this.tMs + lag;
    this.later(startMs, [point("iteration_start_lag", this.time(startMs), num(lag), iterTags)]);
    this.iteration(s, startMs, iterTags);
    this.requests++;
    return true;
  }

  /** One iteration's request (refused in the outage, slow in the latency window), its check and its end. */
  private iteration(s: Step, startMs: number, iterTags: string): void {
    const next = this.next;
    const province = `H${String(1 + Math.floor(next() * 34)).padStart(2, "0")}`;
    const inOutage = this.tMs >= this.outage.fromMs && this.tMs < this.outage.toMs;
    const inLatency = this.tMs >= this.latency.fromMs && this.tMs < this.latency.toMs;
    const refused = inOutage && next() < 0.95;
    const blocked = 0.03 + next() * 0.2;
    const connecting = refused || next() < 0.05 ? 0.2 + next() * 0.8 : 0;
    let waiting = 0.5 + -Math.log(1 - next()) * 2.5;
    if (inLatency) waiting += 300;
    const sending = s.method === "POST" ? 0.05 + next() * 0.1 : 0.01 + next() * 0.03;
    const receiving = 0.02 + next() * 0.1;
    const duration = refused ? 0 : sending + waiting + receiving;
    const endMs = startMs + blocked + connecting + duration + 0.05;
    const url =
      s.step === "browse"
        ? `${origin}/api/v1/procedures?q=${words[Math.floor(next() * words.length)]}&limit=20`
        : s.step === "status"
          ? `${origin}/api/v1/dossiers/000.00.31.${province}-260701-${String(Math.floor(next() * 10_000)).padStart(4, "0")}`
          : `${origin}/api/v1/dossiers`;
    const status = refused ? "0" : s.okStatus;
    const ok = !refused;
    const errorTags = refused
      ? '"error":"dial tcp 127.0.0.1:26401: connect: connection refused","error_code":"1212",'
      : "";
    const reqTags = `{${errorTags}"expected_response":"${ok}","group":"","journey":"citizen","method":"${s.method}","name":"${s.name}",${ok ? '"proto":"HTTP/1.1",' : ""}"province":"${province}","scenario":"${s.scenario}","status":"${status}","step":"${s.step}","url":"${url}"}`;
    const reqTime = this.time(endMs);
    this.later(endMs, [
      point("http_reqs", reqTime, 1, reqTags),
      point("http_req_duration", reqTime, num(duration), reqTags),
      point("http_req_blocked", reqTime, num(blocked), reqTags),
      point("http_req_connecting", reqTime, num(connecting), reqTags),
      point("http_req_tls_handshaking", reqTime, 0, reqTags),
      point("http_req_sending", reqTime, refused ? 0 : num(sending), reqTags),
      point("http_req_waiting", reqTime, refused ? 0 : num(waiting), reqTags),
      point("http_req_receiving", reqTime, refused ? 0 : num(receiving), reqTags),
      point("http_req_failed", reqTime, ok ? 0 : 1, reqTags),
    ]);
    const checkMs = endMs + 0.1 + next() * 0.1;
    const checkTags = `{"check":"${s.check}","group":"","journey":"citizen","province":"${province}","scenario":"${s.scenario}","step":"${s.step}"}`;
    this.later(checkMs, [point("checks", this.time(checkMs), ok ? 1 : 0, checkTags)]);
    const doneMs = checkMs + 0.05 + next() * 0.1;
    const doneTime = this.time(doneMs);
    this.later(
      doneMs,
      [
        point("data_sent", doneTime, refused ? 0 : s.sent + Math.floor(next() * 20), iterTags),
        point("data_received", doneTime, refused ? 0 : s.received + Math.floor(next() * 200), iterTags),
        point("iteration_duration", doneTime, num(doneMs - startMs), iterTags),
        point("iterations", doneTime, 1, iterTags),
      ],
      true,
    );
  }
}

export const generateResults = async (file: string, o: GeneratorOptions): Promise<GeneratedRun> => {
  const out = new ResultsFile(file);
  const load = new SyntheticLoad(o, out);
  while (out.written + out.batchBytes < o.bytes) {
    if (load.arrive() && out.batchBytes > 1 << 20) await out.flush();
  }
  load.drain(load.lastMs);
  await out.close();
  return {
    bytes: out.written,
    fileBytes: out.fileBytes,
    requests: load.requests,
    plannedIterations: load.planned,
    droppedIterations: load.dropped,
    vusMax: load.vusMaxPeak,
    durationS: Math.ceil(load.tMs / 1000),
    faults: [
      { id: "generated-latency", kind: "latency", ...load.latency },
      { id: "generated-outage", kind: "outage", ...load.outage },
    ],
  };
};
