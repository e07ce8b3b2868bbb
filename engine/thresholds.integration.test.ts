import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runScript } from "./testing/engine-run.js";
import { startServer } from "./testing/servers.js";

const iterationTimes = (file: string): number[] =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; metric: string; data: { time: string } })
    .filter((l) => l.type === "Point" && l.metric === "http_reqs")
    .map((l) => Date.parse(l.data.time));

describe("thresholds on the engine", () => {
  it("an abortOnFail threshold stops new iterations within 2 s of the first failing evaluation after delayAbortEval", async () => {
    await using server = await startServer((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const run = await runScript(
      `import http from "k6/http";
       export const options = {
         scenarios: { s: { executor: "constant-arrival-rate", rate: 20, timeUnit: "1s", duration: "20s", preAllocatedVUs: 4 } },
         thresholds: { http_req_failed: [{ threshold: "rate<0.1", abortOnFail: true, delayAbortEval: "3s" }] },
       };
       export default async function () { await http.asyncRequest("GET", __ENV.BASE); }`,
      { env: { BASE: server.url }, warmUp: false },
    );
    expect(run.result?.status).toBe("aborted-by-threshold");
    expect(run.result?.exitCode).toBe(1);
    expect(run.result?.reason.join()).toMatch(/rate<0\.1/);
    const t0 = run.result?.t0EpochMs ?? 0;
    const last = Math.max(...iterationTimes(run.files.results)) - t0;
    // Evaluations run every 2 s: the first one at or after 3 s is at 4 s; nothing new starts 2 s after it.
    expect(last).toBeGreaterThan(3000);
    expect(last).toBeLessThan(6000);
    const summary = JSON.parse(readFileSync(run.files.summary, "utf8")) as {
      metrics: Record<string, { thresholds?: Record<string, boolean> }>;
    };
    expect(summary.metrics.http_req_failed?.thresholds).toEqual({ "rate<0.1": true });
  });

  it("thresholds judged at the end: failed ones make the status thresholds-failed and the exit 1", async () => {
    await using server = await startServer((_req, res) => {
      setTimeout(() => res.end("ok"), 30);
    });
    const run = await runScript(
      `import http from "k6/http";
       import { Counter } from "k6/metrics";
       const seen = new Counter("seen");
       export const options = {
         iterations: 10,
         thresholds: {
           http_req_duration: ["p(95)<1", "max<5000"],
           "http_req_duration{expected_response:true}": ["avg>=20"],
           seen: ["count==10"],
           checks: ["rate==1"],
         },
       };
       export default async function () { await http.asyncRequest("GET", __ENV.BASE); seen.add(1); }`,
      { env: { BASE: server.url }, warmUp: false },
    );
    expect(run.result?.status).toBe("thresholds-failed");
    expect(run.result?.exitCode).toBe(1);
    const byName = Object.fromEntries(
      (run.result?.thresholds ?? []).map((t) => [`${t.metric} ${t.threshold}`, t.passed]),
    );
    expect(byName).toEqual({
      "http_req_duration p(95)<1": false,
      "http_req_duration max<5000": true,
      "http_req_duration{expected_response:true} avg>=20": true,
      "seen count==10": true,
      // No check ran: k6 rates a metric without samples as 0.
      "checks rate==1": false,
    });
  });

  it("refuses a threshold on a metric that does not exist, or one its type does not offer", async () => {
    const run = await runScript(
      `export const options = { thresholds: { nothing_here: ["count>1"], http_reqs: ["p(95)<1"] } };
       export default function () {}`,
      { warmUp: false },
    );
    expect(run.outcome.kind).toBe("failed");
    if (run.outcome.kind === "failed") {
      expect(run.outcome.exitCode).toBe(2);
      expect(run.outcome.lines.join("\n")).toMatch(/no metric named nothing_here/);
      expect(run.outcome.lines.join("\n")).toMatch(/"p\(95\)<1" does not apply to a counter/);
    }
  });
});
