import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runScript } from "../testing/engine-run.js";
import { okServer } from "../testing/servers.js";

interface Line {
  type: "Metric" | "Point";
  metric: string;
  data: {
    name?: string;
    time?: string;
    value?: number;
    tags?: Record<string, string>;
    thresholds?: unknown[];
    submetrics?: unknown;
  };
}

describe("the engine's outputs in k6's formats", () => {
  it("one time-ordered results file in k6's JSON lines, merged from two workers, gzipped on .gz", async () => {
    await using server = await okServer();
    const run = await runScript(
      `import http from "k6/http";
       import { check, group } from "k6";
       import { Trend } from "k6/metrics";
       const t = new Trend("custom_ms", true);
       export const options = {
         tags: { suite: "format" },
         scenarios: { s: { executor: "constant-arrival-rate", rate: 200, timeUnit: "1s", duration: "2s", preAllocatedVUs: 50, tags: { kind: "x" } } },
         thresholds: { http_req_duration: [{ threshold: "p(95)<2000", abortOnFail: true, delayAbortEval: "10s" }] },
       };
       export default async function () {
         const r = await http.asyncRequest("GET", __ENV.BASE + "/a", null, { tags: { step: "a" } });
         group("g", () => { check(r, { ok: (x) => x.status === 200 }); });
         t.add(r.timings.duration, { step: "a" });
       }`,
      { env: { BASE: server.url }, workers: 2, warmUp: false },
      { gzip: true },
    );
    expect(run.result?.status).toBe("completed");
    const text = gunzipSync(readFileSync(run.files.results)).toString("utf8");
    const raw = text.trim().split("\n");
    const lines = raw.map((l) => JSON.parse(l) as Line);
    // k6's key order: declarations {"type":"Metric","data":{"name":…},"metric":…}, points {"metric":…,"type":"Point",…}.
    for (const l of raw)
      expect(l).toMatch(
        /^\{"type":"Metric","data":\{"name":"[a-z_]+","type":"(counter|gauge|rate|trend)","contains":"(default|time|data)","thresholds":\[.*\],"submetrics":.*\},"metric":"[a-z_]+"\}$|^\{"metric":"[a-z_]+","type":"Point","data":\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z","value":-?[\d.e+-]+,"tags":\{.*\}\}\}$/,
      );
    const declared = new Set<string>();
    let last = 0;
    for (const l of lines) {
      if (l.type === "Metric") {
        declared.add(l.metric);
        continue;
      }
      expect(declared.has(l.metric)).toBe(true);
      const t = Date.parse((l.data.time as string).replace(/(\.\d{3})\d+Z$/, "$1Z"));
      expect(t).toBeGreaterThanOrEqual(last - 1);
      last = Math.max(last, t);
    }
    const points = (m: string) => lines.filter((l) => l.type === "Point" && l.metric === m);
    // Every planned iteration either ran (one request each) or was dropped on a loaded machine; every request
    // that ran is in the file.
    const iterations = run.result?.iterations;
    expect((iterations?.started ?? 0) + (iterations?.dropped ?? 0)).toBe(400);
    expect(iterations?.started ?? 0).toBeGreaterThan(200);
    expect(points("http_reqs")).toHaveLength(run.result?.requests ?? -1);
    expect(points("http_reqs")).toHaveLength(iterations?.completed ?? -1);
    for (const m of [
      "http_req_duration",
      "http_req_blocked",
      "http_req_connecting",
      "http_req_tls_handshaking",
      "http_req_sending",
      "http_req_waiting",
      "http_req_receiving",
      "http_req_failed",
      "iterations",
      "iteration_duration",
      "data_sent",
      "data_received",
      "checks",
      "group_duration",
      "custom_ms",
      "iteration_start_lag",
    ])
      expect(points(m).length, m).toBeGreaterThan(0);
    expect(points("vus").length).toBeGreaterThanOrEqual(1);
    expect(points("vus_max").length).toBeGreaterThanOrEqual(1);
    expect(points("http_reqs")[0]?.data.tags).toEqual({
      expected_response: "true",
      group: "",
      kind: "x",
      method: "GET",
      name: `${server.url}/a`,
      proto: "HTTP/1.1",
      scenario: "s",
      status: "200",
      step: "a",
      suite: "format",
      url: `${server.url}/a`,
    });
    expect(points("checks")[0]?.data.tags).toEqual({
      check: "ok",
      group: "::g",
      kind: "x",
      scenario: "s",
      suite: "format",
    });
    const decl = lines.find((l) => l.type === "Metric" && l.metric === "http_req_duration");
    expect(decl?.data.thresholds).toEqual([
      { threshold: "p(95)<2000", abortOnFail: true, delayAbortEval: "10s" },
    ]);
    expect(decl?.data.submetrics).toEqual([
      {
        name: "http_req_duration{expected_response:true}",
        suffix: "expected_response:true",
        tags: { expected_response: "true" },
      },
    ]);
  });

  it("the summary in k6's summary-export shape, and console lines as k6's JSON log lines", async () => {
    await using server = await okServer();
    const run = await runScript(
      `import http from "k6/http";
       import { check, group } from "k6";
       export const options = { iterations: 4, thresholds: { checks: ["rate>0.5"] }, summaryTrendStats: ["avg", "p(99)", "count"] };
       export default async function () {
         const r = await http.asyncRequest("GET", __ENV.BASE);
         group("g", () => { check(r, { "is 200": (x) => x.status === 200, "never": () => false }); });
         console.warn("careful", { n: 1 });
       }`,
      { env: { BASE: server.url }, warmUp: false },
    );
    const summary = JSON.parse(readFileSync(run.files.summary, "utf8")) as {
      root_group: {
        name: string;
        path: string;
        id: string;
        groups: Record<
          string,
          { path: string; checks: Record<string, { passes: number; fails: number; path: string }> }
        >;
      };
      metrics: Record<string, Record<string, unknown>>;
    };
    expect(summary.root_group).toMatchObject({ name: "", path: "", id: "d41d8cd98f00b204e9800998ecf8427e" });
    expect(summary.root_group.groups.g?.checks).toMatchObject({
      "is 200": { passes: 4, fails: 0, path: "::g::is 200" },
      never: { passes: 0, fails: 4 },
    });
    expect(summary.metrics.http_reqs).toEqual({ count: 4, rate: expect.any(Number) });
    expect(Object.keys(summary.metrics.http_req_duration ?? {})).toEqual(["avg", "p(99)", "count"]);
    expect(summary.metrics.checks).toEqual({
      passes: 4,
      fails: 4,
      value: 0.5,
      thresholds: { "rate>0.5": true },
    });
    const consoleLines = readFileSync(run.files.console, "utf8").trim().split("\n");
    expect(consoleLines).toHaveLength(4);
    for (const l of consoleLines) {
      expect(l).toMatch(
        /^\{"level":"warning","msg":"careful \{\\"n\\":1\}","source":"console","time":"[^"]+Z"\}$/,
      );
    }
  });
});
