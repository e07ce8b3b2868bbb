import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { loopbackHttp } from "../../engine/net/guarded-fetch.js";
import { listenOnLoopback } from "../../kernel/testing/servers.js";
import { Lookups, retryAfterMs } from "./lookup.js";

describe("Retry-After", () => {
  const now = Date.parse("2026-07-01T01:00:00Z");
  it.each([
    ["3", 3000],
    [" 0 ", 0],
    ["Wed, 01 Jul 2026 01:00:05 GMT", 5000],
    ["Wed, 01 Jul 2026 00:59:00 GMT", 0],
    ["soon", null],
    [undefined, null],
  ])("%j → %j ms", (value, ms) => {
    expect(retryAfterMs(value, now)).toBe(ms);
  });
});

/** A real portal that refuses the first `refusals` lookups with 503 and Retry-After, then answers. */
const refusingPortal = async (refusals: number, retryAfter: string) => {
  const seen: number[] = [];
  const server = await listenOnLoopback(
    createServer((_req, res) => {
      seen.push(Date.now());
      if (seen.length <= refusals) {
        res.writeHead(503, { "content-type": "application/json", "retry-after": retryAfter });
        res.end(JSON.stringify({ error: { code: "OVERLOADED", message: "later" } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "x" }));
    }),
  );
  return { server, seen };
};

describe("lookups honour Retry-After", () => {
  it("waits as long as the portal asks before asking again", async () => {
    const { server, seen } = await refusingPortal(2, "1");
    await using _ = server;
    const http = loopbackHttp();
    const lookups = new Lookups(http, { timeoutMs: 2000, deadline: Date.now() + 20_000 });
    const r = await lookups.get(`${server.url}/api/v1/dossiers/x`);
    await http.close();
    expect(r.kind).toBe("ok");
    expect(seen).toHaveLength(3);
    // Each retry came at least the asked second later (5 ms of slack for timer resolution), and not much later
    // than the 200 ms / 400 ms backoff would have been plus the second asked.
    for (let i = 1; i < 3; i++) {
      const gap = (seen[i] as number) - (seen[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual(995);
      expect(gap).toBeLessThan(3000);
    }
    expect(lookups.stats).toMatchObject({ requests: 3, retryAfterAsked: 2, retryAfterWaitedMs: 2000 });
  });

  it("a wait that ends past the budget is a lookup error at once, not a hang", async () => {
    const { server, seen } = await refusingPortal(5, "120");
    await using _ = server;
    const http = loopbackHttp();
    const lookups = new Lookups(http, { timeoutMs: 2000, deadline: Date.now() + 3000 });
    const started = Date.now();
    const r = await lookups.get(`${server.url}/api/v1/dossiers/x`);
    await http.close();
    expect(r).toMatchObject({ kind: "error" });
    expect(r.kind === "error" && r.detail).toMatch(/Retry-After 120 s ends past the reconciliation budget/);
    expect(seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("without Retry-After, a refusal is retried with backoff, then is an error", async () => {
    const { server, seen } = await refusingPortal(5, "");
    await using _ = server;
    const http = loopbackHttp();
    const lookups = new Lookups(http, { timeoutMs: 2000, deadline: Date.now() + 10_000 });
    const r = await lookups.get(`${server.url}/api/v1/dossiers/x`);
    await http.close();
    expect(r).toEqual({ kind: "error", detail: "HTTP 503" });
    expect(seen).toHaveLength(3);
    expect(lookups.stats.retryAfterAsked).toBe(0);
  });
});
