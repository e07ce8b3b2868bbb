import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runScript } from "./testing/engine-run.js";
import { startServer } from "./testing/servers.js";

/** Reads the console lines a script logged (each a JSON value) from the engine's console file. */
const logged = (file: string): unknown[] =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse((JSON.parse(l) as { msg: string }).msg) as unknown);

const points = (file: string, metric: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map(
      (l) =>
        JSON.parse(l) as {
          type: string;
          metric: string;
          data: { value: number; tags: Record<string, string> };
        },
    )
    .filter((l) => l.type === "Point" && l.metric === metric);

describe("http.asyncRequest on the engine, against a real server", () => {
  it("answers with k6's Response: status line, canonical headers, bodies, json, timings, redirects", async () => {
    await using server = await startServer((req, res, body) => {
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "/final?x=1" });
        return res.end();
      }
      if (req.url === "/missing") {
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("no");
      }
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "abc", "set-thing": "1" });
      res.end(
        JSON.stringify({ path: req.url, method: req.method, body, items: [{ code: "A" }, { code: "B" }] }),
      );
    });
    const run = await runScript(
      `
      import http from "k6/http";
      export const options = { iterations: 1 };
      export default async function () {
        const base = __ENV.BASE;
        const ok = await http.asyncRequest("POST", base + "/echo", JSON.stringify({ a: 1 }), { headers: { "content-type": "application/json" }, tags: { step: "echo" } });
        const redirected = await http.asyncRequest("GET", base + "/redirect");
        const missing = await http.asyncRequest("GET", base + "/missing");
        const binary = await http.asyncRequest("GET", base + "/bin", null, { responseType: "binary" });
        const none = await http.asyncRequest("GET", base + "/none", null, { responseType: "none" });
        console.log(JSON.stringify({
          status: ok.status, statusText: ok.status_text, ct: ok.headers["Content-Type"], rid: ok.headers["X-Request-Id"],
          json: ok.json(), second: ok.json("items.1.code"), count: ok.json("items.#"),
          timings: ok.timings, proto: ok.proto, remote: ok.remote_ip,
          redirected: { status: redirected.status, url: redirected.url },
          missing: { status: missing.status, code: missing.error_code, text: missing.status_text },
          binary: binary.body instanceof ArrayBuffer, binaryBytes: binary.body.byteLength, none: none.body,
        }));
      }
    `,
      { env: { BASE: server.url } },
    );
    expect(run.result?.status).toBe("completed");
    const [r] = logged(run.files.console) as Array<
      Record<string, unknown> & { timings: Record<string, number>; refused: unknown[]; timedOut: unknown[] }
    >;
    expect(r).toMatchObject({
      status: 200,
      statusText: "200 OK",
      ct: "application/json",
      rid: "abc",
      second: "B",
      count: 2,
      proto: "HTTP/1.1",
      remote: "127.0.0.1",
      redirected: { status: 200, url: `${server.url}/final?x=1` },
      missing: { status: 404, code: 1404, text: "404 Not Found" },
      binary: true,
      none: null,
    });
    expect(r?.json).toMatchObject({ path: "/echo", method: "POST", body: '{"a":1}' });
    const t = r?.timings as {
      [k: string]: number;
      sending: number;
      waiting: number;
      receiving: number;
      duration: number;
    };
    expect(t.duration).toBeCloseTo(t.sending + t.waiting + t.receiving, 5);
    for (const k of ["blocked", "connecting", "tls_handshaking", "sending", "waiting", "receiving"])
      expect(t[k]).toBeGreaterThanOrEqual(0);
    // Every hop is a request of its own in the results, as in k6: 6 requests, the redirect's first hop included.
    const reqs = points(run.files.results, "http_reqs");
    expect(reqs).toHaveLength(6);
    const echo = reqs.find((p) => p.data.tags.step === "echo");
    expect(echo?.data.tags).toMatchObject({
      method: "POST",
      status: "200",
      expected_response: "true",
      proto: "HTTP/1.1",
      group: "",
    });
    const failed = points(run.files.results, "http_req_failed");
    expect(failed.map((p) => p.data.value)).toEqual([0, 0, 0, 1, 0, 0]);
    expect(
      points(run.files.results, "http_reqs").find((p) => p.data.tags.status === "404")?.data.tags.error_code,
    ).toBe("1404");
  });

  it("reads answers many reads long intact, back to back on one kept connection", async () => {
    // 400,000 bytes: each answer spans many reads.
    const size = 400_000;
    const text = Array.from({ length: size }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join("");
    const sum = (s: string) => {
      let h = 0;
      for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 2_147_483_647;
      return h;
    };
    await using server = await startServer((req, res) => {
      if (req.url === "/chunked") {
        res.writeHead(200, { "content-type": "text/plain" });
        for (let at = 0; at < size; at += 50_000) res.write(text.slice(at, at + 50_000));
        return res.end();
      }
      res.writeHead(200, { "content-type": "text/plain", "content-length": String(size) });
      res.end(text);
    });
    const run = await runScript(
      `
      import http from "k6/http";
      export const options = { iterations: 1 };
      const sum = (s) => { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 2147483647; return h; };
      export default async function () {
        const out = [];
        for (const path of ["/length", "/chunked", "/length", "/chunked"]) {
          const res = await http.asyncRequest("GET", __ENV.BASE + path);
          out.push({ status: res.status, length: res.body.length, sum: sum(res.body), connecting: res.timings.connecting });
        }
        console.log(JSON.stringify(out));
      }
    `,
      { env: { BASE: server.url } },
    );
    expect(run.result?.status).toBe("completed");
    const [answers] = logged(run.files.console) as Array<Array<Record<string, number>>>;
    expect(answers?.map((a) => [a.status, a.length, a.sum])).toEqual(
      Array.from({ length: 4 }, () => [200, size, sum(text)]),
    );
    // One connection carried all four: only the first request spent time connecting.
    expect(answers?.slice(1).map((a) => a.connecting)).toEqual([0, 0, 0]);
  });

  it("reports refused connections and timeouts with k6's error codes, status 0", async () => {
    await using slow = await startServer((_req, res) => {
      setTimeout(() => res.end("late"), 1500);
    });
    await using closed = await startServer((_req, res) => res.end());
    const deadPort = closed.port;
    await closed.close();
    const run = await runScript(
      `
      import http from "k6/http";
      export const options = { iterations: 1 };
      export default async function () {
        const refused = await http.asyncRequest("GET", "http://127.0.0.1:${deadPort}/");
        const timedOut = await http.asyncRequest("GET", __ENV.SLOW + "/", null, { timeout: "300ms" });
        console.log(JSON.stringify({ refused: [refused.status, refused.error_code, refused.error], timedOut: [timedOut.status, timedOut.error_code, timedOut.error] }));
      }
    `,
      { env: { SLOW: slow.url } },
    );
    expect(run.result?.status).toBe("completed");
    const [r] = logged(run.files.console) as Array<
      Record<string, unknown> & { timings: Record<string, number>; refused: unknown[]; timedOut: unknown[] }
    >;
    expect(r?.refused[0]).toBe(0);
    expect(r?.refused[1]).toBe(1212);
    expect(r?.refused[2]).toMatch(/connection refused/);
    expect(r?.timedOut.slice(0, 2)).toEqual([0, 1050]);
    const failedTags = points(run.files.results, "http_reqs").map((p) => p.data.tags.error_code);
    expect(failedTags).toEqual(["1212", "1050"]);
  });

  it("judges statuses by expectedStatuses and setResponseCallback, per VU", async () => {
    await using server = await startServer((req, res) => {
      res.writeHead(req.url === "/full" ? 409 : 200);
      res.end();
    });
    const run = await runScript(
      `
      import http from "k6/http";
      export const options = { iterations: 1 };
      export default async function () {
        await http.asyncRequest("GET", __ENV.BASE + "/full");
        await http.asyncRequest("GET", __ENV.BASE + "/full", null, { responseCallback: http.expectedStatuses(200, { min: 400, max: 409 }) });
        http.setResponseCallback(http.expectedStatuses(409));
        await http.asyncRequest("GET", __ENV.BASE + "/ok");
        http.setResponseCallback(null);
        await http.asyncRequest("GET", __ENV.BASE + "/full");
      }
    `,
      { env: { BASE: server.url } },
    );
    expect(run.result?.status).toBe("completed");
    const reqs = points(run.files.results, "http_reqs");
    expect(reqs.map((p) => p.data.tags.expected_response)).toEqual(["false", "true", "false", undefined]);
    expect(points(run.files.results, "http_req_failed").map((p) => p.data.value)).toEqual([1, 0, 1]);
  });
});
