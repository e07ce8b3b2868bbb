import { Agent, request } from "node:http";
import { startToxiproxyFixture } from "../chaos/testing/toxiproxy-fixture.js";
import { startEchoServer } from "../kernel/testing/servers.js";
import type { Benchmark, BenchResult } from "./lib/result.js";

/** One GET on `agent`, timed from send to the last byte, in ms. */
const timedRequest = (port: number, agent: Agent): Promise<number> =>
  new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const req = request({ host: "127.0.0.1", port, path: "/", agent, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => resolvePromise(performance.now() - started));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

const ms = (x: number): number => Math.round(x * 1000) / 1000;

interface Series {
  direct: number[];
  proxied: number[];
}

/**
 * Direct and proxied requests alternate (order flipped every pair), so both see the same machine state; bounded
 * by a count and a time limit.
 */
const measure = async (
  directPort: number,
  proxyPort: number,
  keepAlive: boolean,
  count: number,
  limitMs: number,
): Promise<Series> => {
  const agents = [new Agent({ keepAlive, maxSockets: 1 }), new Agent({ keepAlive, maxSockets: 1 })] as const;
  const out: Series = { direct: [], proxied: [] };
  const deadline = performance.now() + limitMs;
  try {
    for (let i = 0; i < count && performance.now() < deadline; i++) {
      const pair = [
        ["direct", directPort, agents[0]],
        ["proxied", proxyPort, agents[1]],
      ] as const;
      for (const [which, port, agent] of i % 2 === 0 ? pair : [...pair].reverse())
        out[which].push(await timedRequest(port, agent));
    }
  } finally {
    for (const a of agents) a.destroy();
  }
  return out;
};

/**
 * What toxiproxy itself costs a request when no toxic is set: the same small GET to a loopback HTTP server,
 * directly and through a toxiproxy proxy, in the same run. Goal: < 1 ms added at p50.
 */
export const toxiproxyOverhead: Benchmark = {
  name: "toxiproxy-overhead",
  description: "latency toxiproxy adds to a request with no toxic, next to a direct request in the same run",
  async run(say): Promise<BenchResult> {
    await using echo = await startEchoServer("x".repeat(512));
    await using toxi = await startToxiproxyFixture();
    const proxy = await toxi.proxy("bench-overhead", echo.port);
    const version = await toxi.client.version();
    say("warming up");
    await measure(echo.port, proxy.port, true, 300, 10_000);
    say("keep-alive connections: 3000 pairs");
    const warm = await measure(echo.port, proxy.port, true, 3000, 60_000);
    say("a new connection per request: 1000 pairs");
    const fresh = await measure(echo.port, proxy.port, false, 1000, 60_000);
    const added = (s: Series, p: number) => percentile(s.proxied, p) - percentile(s.direct, p);
    const addedP50 = added(warm, 50);
    const addedFreshP50 = added(fresh, 50);
    return {
      name: "toxiproxy-overhead",
      goal: "toxiproxy with no toxic adds < 1 ms at p50 to a request (keep-alive and new connections)",
      met: addedP50 < 1 && addedFreshP50 < 1,
      figures: {
        "toxiproxy version": version,
        "keep-alive pairs": warm.direct.length,
        "keep-alive direct p50 ms": ms(percentile(warm.direct, 50)),
        "keep-alive proxied p50 ms": ms(percentile(warm.proxied, 50)),
        "keep-alive added p50 ms": ms(addedP50),
        "keep-alive added p90 ms": ms(added(warm, 90)),
        "keep-alive added p99 ms": ms(added(warm, 99)),
        "new-connection pairs": fresh.direct.length,
        "new-connection direct p50 ms": ms(percentile(fresh.direct, 50)),
        "new-connection proxied p50 ms": ms(percentile(fresh.proxied, 50)),
        "new-connection added p50 ms": ms(addedFreshP50),
        "new-connection added p90 ms": ms(added(fresh, 90)),
        "new-connection added p99 ms": ms(added(fresh, 99)),
      },
      notes: [
        "One Node HTTP client, one request at a time, 512-byte responses from a loopback Node server; direct and proxied requests alternate so both see the same machine load.",
        "Added = proxied percentile minus direct percentile of the same run. A new connection through toxiproxy also opens one to the upstream, so it costs more than a kept-alive one.",
      ],
    };
  },
};
