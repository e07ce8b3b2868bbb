import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { median, startEchoServer } from "../../kernel/testing/servers.js";
import { applyFault } from "../testing/apply-fault.js";
import { timedGet, within } from "../testing/raw-http.js";
import {
  startToxiproxyFixture,
  type TestProxy,
  type ToxiproxyFixture,
} from "../testing/toxiproxy-fixture.js";
import type { FaultContext } from "./fault.js";
import { latencyFault } from "./latency.js";

// Tolerance: 10 % of the added latency or 20 ms, whichever is larger.
const samples = async (port: number, n: number): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timedGet(port));
  return out;
};

describe("latency fault against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TestProxy;
  let ctx: FaultContext;

  beforeAll(async () => {
    echo = await startEchoServer("hello");
    toxi = await startToxiproxyFixture();
    proxy = await toxi.proxy("latency-test", echo.port);
    ctx = { client: toxi.client, proxy: proxy.name, toxicName: "lat" };
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  const withFault = async (params: unknown, body: () => Promise<void>) => {
    await using _fault = await applyFault(latencyFault, params, ctx);
    await body();
  };

  it("adds the configured latency downstream, within 10 % or 20 ms", async () => {
    const base = median(await samples(proxy.port, 7));
    await withFault({ latencyMs: 200 }, async () => {
      const added = median(await samples(proxy.port, 7)) - base;
      expect(within(added, 200, 0.1, 20), `added ${added.toFixed(1)} ms`).toBe(true);
    });
    const after = median(await samples(proxy.port, 5));
    expect(after - base, "latency gone after removal").toBeLessThan(20);
  });

  it("adds latency upstream when asked (requests delayed, not responses)", async () => {
    const base = median(await samples(proxy.port, 5));
    await withFault({ latencyMs: 150, stream: "upstream" }, async () => {
      const added = median(await samples(proxy.port, 7)) - base;
      expect(within(added, 150, 0.1, 20), `added ${added.toFixed(1)} ms`).toBe(true);
    });
  });

  it("spreads delays over latency ± jitter", async () => {
    const base = median(await samples(proxy.port, 5));
    await withFault({ latencyMs: 200, jitterMs: 100 }, async () => {
      const added = (await samples(proxy.port, 12)).map((ms) => ms - base);
      for (const a of added) {
        expect(a).toBeGreaterThanOrEqual(100 - 20);
        expect(a).toBeLessThanOrEqual(300 + 30);
      }
      expect(Math.max(...added) - Math.min(...added), "jitter spreads the delays").toBeGreaterThan(40);
    });
  });

  it("affects no connection at toxicity 0", async () => {
    const base = median(await samples(proxy.port, 5));
    await withFault({ latencyMs: 300, toxicity: 0 }, async () => {
      expect(median(await samples(proxy.port, 5)) - base).toBeLessThan(20);
    });
  });
});
