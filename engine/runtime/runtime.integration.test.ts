import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runScript } from "../testing/engine-run.js";
import { okServer } from "../testing/servers.js";

const messages = (file: string): unknown[] =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse((JSON.parse(l) as { msg: string }).msg) as unknown);

describe("the script's runtime on the engine", () => {
  it("gives scenario code no Node API: no process, require, Buffer, fetch or globalThis escape", async () => {
    const run = await runScript(
      `export const options = { iterations: 1 };
       export default function () {
         console.log(JSON.stringify({
           process: typeof process, Buffer: typeof Buffer, fetch: typeof fetch,
           require: (() => { try { require(["f", "s"].join("")); return "loaded"; } catch { return "threw"; } })(),
           setImmediate: typeof setImmediate, module: typeof module, viaGlobal: typeof globalThis.process,
           ctor: (() => { try { return typeof (function(){}).constructor("return process")(); } catch (e) { return "threw"; } })(),
           timers: typeof setTimeout, env: typeof __ENV, vu: __VU,
         }));
       }`,
      { warmUp: false },
    );
    expect(messages(run.files.console)).toEqual([
      {
        process: "undefined",
        require: "threw",
        Buffer: "undefined",
        fetch: "undefined",
        setImmediate: "undefined",
        module: "undefined",
        viaGlobal: "undefined",
        ctor: "threw",
        timers: "function",
        env: "object",
        vu: 1,
      },
    ]);
  });

  it("keeps __VU, __ITER and exec.* right inside async code while many VUs interleave on one thread", async () => {
    await using server = await okServer();
    const run = await runScript(
      `import http from "k6/http";
       import exec from "k6/execution";
       import { setTimeout } from "k6/timers";
       export const options = { scenarios: { s: { executor: "per-vu-iterations", vus: 20, iterations: 3 } } };
       const state = new Map();
       export default async function () {
         const before = [__VU, __ITER, exec.vu.idInTest, exec.scenario.iterationInTest];
         await http.asyncRequest("GET", __ENV.BASE + "/" + before[0]);
         await new Promise((r) => setTimeout(r, (before[0] * 7) % 13));
         const after = [__VU, __ITER, exec.vu.idInTest, exec.scenario.iterationInTest];
         const mine = state.get(exec.vu.idInTest) ?? 0;
         state.set(exec.vu.idInTest, mine + 1);
         console.log(JSON.stringify({ before, after, mine }));
       }`,
      { env: { BASE: server.url }, warmUp: false },
    );
    const lines = messages(run.files.console) as Array<{ before: number[]; after: number[]; mine: number }>;
    expect(lines).toHaveLength(60);
    for (const l of lines) {
      expect(l.after).toEqual(l.before);
      // __ITER is the VU's own count: it matches what the per-VU state map counted.
      expect(l.before[1]).toBe(l.mine);
    }
    expect(new Set(lines.map((l) => l.before[3])).size).toBe(60);
  });

  it("runs setup once and hands each VU a copy of its data; teardown gets it too", async () => {
    const run = await runScript(
      `export const options = { scenarios: { s: { executor: "per-vu-iterations", vus: 3, iterations: 2 } } };
       export function setup() { console.log(JSON.stringify({ phase: "setup", vu: __VU })); return { n: 41 }; }
       export default function (data) { data.n++; console.log(JSON.stringify({ phase: "iteration", n: data.n })); }
       export function teardown(data) { console.log(JSON.stringify({ phase: "teardown", n: data.n, vu: __VU })); }`,
      { warmUp: false },
    );
    const m = messages(run.files.console) as Array<{ phase: string; n?: number; vu?: number }>;
    expect(m[0]).toEqual({ phase: "setup", vu: 0 });
    // Each VU's copy is its own: iterations of the same VU see their VU's earlier change, not others'.
    expect(
      m
        .filter((x) => x.phase === "iteration")
        .map((x) => x.n)
        .sort(),
    ).toEqual([42, 42, 42, 43, 43, 43]);
    expect(m.at(-1)).toEqual({ phase: "teardown", n: 41, vu: 0 });
  });

  it("ends the test with exit 2 when code calls a blocking API the bundle could not see", async () => {
    const run = await runScript(
      `import * as k6 from "k6";
       export const options = { iterations: 3 };
       export default function () { const name = "sl" + "eep"; k6[name](1); }`,
      { warmUp: false },
    );
    expect(run.result?.status).toBe("error");
    expect(run.result?.exitCode).toBe(2);
    expect(run.result?.reason.join()).toMatch(/sleep\(\) blocks the VU/);
  });

  it("refuses a request to a host off the allowlist with exit 2, naming it", async () => {
    const run = await runScript(
      `import http from "k6/http";
       export const options = { iterations: 1 };
       export default async function () { await http.asyncRequest("GET", "http://169.254.169.254/latest/meta-data"); }`,
      { warmUp: false },
    );
    expect(run.result?.status).toBe("error");
    expect(run.result?.exitCode).toBe(2);
    expect(run.result?.reason.join()).toMatch(/refused host 169\.254\.169\.254/);
    expect(run.result?.requests).toBe(0);
  });
});
