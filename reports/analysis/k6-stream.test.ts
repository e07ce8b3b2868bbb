import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { generateResults } from "../testing/results-generator.js";
import {
  type K6Point,
  parseK6Line,
  readK6Points,
  scanK6Results,
  TimeParser,
  wantedMetrics,
} from "./k6-stream.js";

const requestMetrics = new Set(["http_req_duration", "http_req_failed", "retry_wait_ms"]);

/** The reference: every line through JSON.parse; tags are read on the request metrics only. */
const slowParse = (line: string): K6Point | null => {
  const j = JSON.parse(line) as {
    type: string;
    metric: string;
    data: { time: string; value: number; tags: Record<string, string> };
  };
  if (j.type !== "Point" || !(wantedMetrics as readonly string[]).includes(j.metric)) return null;
  const tags = requestMetrics.has(j.metric) ? j.data.tags : {};
  return {
    metric: j.metric,
    timeMs: new TimeParser().parse(j.data.time),
    value: j.data.value,
    step: tags.step,
    province: tags.province,
    status: tags.status,
    expectedResponse: tags.expected_response,
    retryAfter: j.metric === "retry_wait_ms" ? tags.retry_after : undefined,
  };
};

const t = "2026-12-02T14:14:41.790131104Z";
const tMs = Date.parse("2026-12-02T14:14:41.790Z") + 0.131104;
const none = { step: undefined, province: undefined, status: undefined, expectedResponse: undefined };

/** Lines exactly as the load engine wrote them in a real `portal-harness exec` run (times aligned). */
const engineLines: Array<[string, string, Partial<K6Point> | null]> = [
  [
    "vus (VUs busy), no tags",
    `{"metric":"vus","type":"Point","data":{"time":"${t}","value":2,"tags":{}}}`,
    { metric: "vus", value: 2, ...none },
  ],
  [
    "vus_max (VUs allocated)",
    `{"metric":"vus_max","type":"Point","data":{"time":"${t}","value":40,"tags":{}}}`,
    { metric: "vus_max", value: 40 },
  ],
  [
    "iteration_start_lag",
    `{"metric":"iteration_start_lag","type":"Point","data":{"time":"${t}","value":0.655604,"tags":{"group":"","journey":"citizen","scenario":"car"}}}`,
    { metric: "iteration_start_lag", value: 0.655604, ...none },
  ],
  [
    "dropped_iterations",
    `{"metric":"dropped_iterations","type":"Point","data":{"time":"${t}","value":1,"tags":{"group":"","journey":"citizen","scenario":"car"}}}`,
    { metric: "dropped_iterations", value: 1 },
  ],
  [
    "a failed check: no tags read",
    `{"metric":"checks","type":"Point","data":{"time":"${t}","value":0,"tags":{"check":"dossier acknowledged","group":"","journey":"citizen","province":"H07","scenario":"citizen_browse","step":"submit"}}}`,
    { metric: "checks", value: 0, ...none },
  ],
  [
    "data_sent",
    `{"metric":"data_sent","type":"Point","data":{"time":"${t}","value":306,"tags":{"group":"","scenario":"citizen_browse"}}}`,
    { metric: "data_sent", value: 306 },
  ],
  [
    "data_received",
    `{"metric":"data_received","type":"Point","data":{"time":"${t}","value":373,"tags":{"group":"","scenario":"citizen_browse"}}}`,
    { metric: "data_received", value: 373 },
  ],
  [
    "a refused connection",
    `{"metric":"http_req_failed","type":"Point","data":{"time":"${t}","value":1,"tags":{"error":"dial tcp 127.0.0.1:1: connect: connection refused","error_code":"1212","expected_response":"false","group":"","journey":"citizen","method":"GET","name":"GET /api/v1/dossiers/{code}","province":"H07","scenario":"citizen_browse","status":"0","step":"status","url":"http://127.0.0.1:1/api/v1/dossiers/1"}}}`,
    {
      metric: "http_req_failed",
      value: 1,
      step: "status",
      province: "H07",
      status: "0",
      expectedResponse: "false",
    },
  ],
  [
    "a 503 answer's duration",
    `{"metric":"http_req_duration","type":"Point","data":{"time":"${t}","value":1.756992,"tags":{"error_code":"1503","expected_response":"false","group":"","journey":"citizen","method":"POST","name":"POST /api/v1/dossiers","proto":"HTTP/1.1","province":"H07","scenario":"citizen_browse","status":"503","step":"submit","url":"http://127.0.0.1:43677/fail"}}}`,
    {
      metric: "http_req_duration",
      value: 1.756992,
      step: "submit",
      status: "503",
      expectedResponse: "false",
    },
  ],
  [
    "a metric the analysis does not use",
    `{"metric":"http_req_blocked","type":"Point","data":{"time":"${t}","value":0.25076,"tags":{"expected_response":"true","group":"","scenario":"car","status":"200"}}}`,
    null,
  ],
  [
    "a metric whose name starts like a wanted one",
    `{"metric":"vus_maximum","type":"Point","data":{"time":"${t}","value":3,"tags":{}}}`,
    null,
  ],
  [
    "a Metric declaration",
    '{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus"}',
    null,
  ],
];

describe("results in k6's JSON line format", () => {
  let dir: string;
  let plain: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "k6-stream-"));
    plain = join(dir, "results.json");
    // A small VU pool, so the latency window drops iterations.
    await generateResults(plain, {
      bytes: 2_000_000,
      rps: 200,
      seed: 3,
      t0Ms: Date.parse("2026-07-01T01:00:00Z"),
      maxVUs: 12,
    });
  });

  it.each(engineLines)("reads the engine's line: %s", (_name, line, expected) => {
    const p = parseK6Line(line, new TimeParser());
    if (expected === null) expect(p).toBeNull();
    else {
      expect(p).toMatchObject(expected);
      expect(p?.timeMs).toBeCloseTo(tMs, 6);
      expect(p).toEqual(slowParse(line));
    }
  });

  it("parses every generated line as JSON.parse would, without calling it; every wanted metric occurs", () => {
    const times = new TimeParser();
    const seen = new Map<string, number>();
    for (const line of readFileSync(plain, "utf8").split("\n")) {
      if (line === "") continue;
      const ref = slowParse(line);
      expect(parseK6Line(line, times)).toEqual(ref);
      if (ref) seen.set(ref.metric, (seen.get(ref.metric) ?? 0) + 1);
    }
    for (const m of wantedMetrics) if (m !== "retry_wait_ms") expect(seen.get(m), m).toBeGreaterThan(0);
    expect(seen.get("http_req_failed")).toBeGreaterThan(300);
  });

  it("reads gzipped and plain files alike, and tolerates a torn last line", async () => {
    const text = readFileSync(plain, "utf8");
    const gz = join(dir, "results.json.gz");
    writeFileSync(gz, gzipSync(`${text}{"metric":"http_req_duration","type":"Po`));
    const a: K6Point[] = [];
    const b: K6Point[] = [];
    await scanK6Results(plain, (p) => a.push(p));
    const stats = await scanK6Results(gz, (p) => b.push(p));
    expect(b).toEqual(a);
    expect(stats.points).toBe(a.length);
    let n = 0;
    for await (const _ of readK6Points(gz)) n++;
    expect(n).toBe(a.length);
  });

  it("reads a last line without a newline, and lines whose value ends the data", async () => {
    const f = join(dir, "short.json");
    const last = `{"metric":"vus","type":"Point","data":{"time":"${t}","value":7,"tags":{}}}`;
    writeFileSync(
      f,
      `{"metric":"vus_max","type":"Point","data":{"time":"${t}","value":9}}\n{"metric":"checks","type":"Point","data":{"time":"${t}","value":1,"tags":{}}}\n${last}`,
    );
    const got: K6Point[] = [];
    await scanK6Results(f, (p) => got.push(p));
    expect(got.map((p) => [p.metric, p.value])).toEqual([
      ["vus_max", 9],
      ["checks", 1],
      ["vus", 7],
    ]);
  });

  it("reads nanosecond times in any zone, and other line shapes through JSON.parse", () => {
    const times = new TimeParser();
    expect(times.parse("2026-07-01T08:00:00.123456789+07:00")).toBeCloseTo(
      Date.parse("2026-07-01T01:00:00.123Z") + 0.456789,
      6,
    );
    expect(times.parse("2026-07-01T08:00:00.5+07:00")).toBe(Date.parse("2026-07-01T01:00:00.500Z"));
    expect(times.parse("2026-07-01T01:00:00.5Z")).toBe(Date.parse("2026-07-01T01:00:00.500Z"));
    expect(times.parse("2026-07-01T01:00:01Z")).toBe(Date.parse("2026-07-01T01:00:01Z"));
    const reordered =
      '{"type":"Point","metric":"http_req_failed","data":{"tags":{"step":"submit","province":"H01","status":"503"},"value":1,"time":"2026-07-01T01:00:00.5Z"}}';
    expect(parseK6Line(reordered, times)).toMatchObject({
      metric: "http_req_failed",
      value: 1,
      step: "submit",
      status: "503",
    });
    expect(parseK6Line('{"metric":"http_req_blocked","type":"Point","data":{}}', times)).toBeNull();
  });
});
