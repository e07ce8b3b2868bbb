import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoServer } from "../../kernel/testing/servers.js";
import { applyFault } from "../testing/apply-fault.js";
import { rawGet, within } from "../testing/raw-http.js";
import {
  startToxiproxyFixture,
  type TestProxy,
  type ToxiproxyFixture,
} from "../testing/toxiproxy-fixture.js";
import { bandwidthFault, bandwidthParams, bandwidthRateKBps } from "./bandwidth.js";

const bodyBytes = 300_000;

/** Throughput of one download in KB/s (1 KB = 1000 bytes, toxiproxy's unit). */
const downloadKBps = async (port: number): Promise<number> => {
  const r = await rawGet(port, 10_000);
  expect(r.errorCode).toBeNull();
  expect(r.bytes).toBeGreaterThan(bodyBytes);
  const first = r.chunks[0]?.atMs ?? 0;
  const last = r.chunks.at(-1)?.atMs ?? 0;
  return r.bytes / (last - first);
};

describe("bandwidth fault against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TestProxy;

  beforeAll(async () => {
    echo = await startEchoServer("x".repeat(bodyBytes));
    toxi = await startToxiproxyFixture();
    proxy = await toxi.proxy("bandwidth-test", echo.port);
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  const ctx = () => ({ client: toxi.client, proxy: proxy.name, toxicName: "bw" });

  it("limits a download to the rate, within 10 %", async () => {
    await using _fault = await applyFault(bandwidthFault, { rateKBps: 200 }, ctx());
    const kbps = await downloadKBps(proxy.port);
    expect(within(kbps, 200, 0.1, 0), `${kbps.toFixed(1)} KB/s`).toBe(true);
  });

  it("limits each connection, not the link: two downloads each get the rate", async () => {
    await using _fault = await applyFault(bandwidthFault, { rateKBps: 200 }, ctx());
    const both = await Promise.all([downloadKBps(proxy.port), downloadKBps(proxy.port)]);
    for (const kbps of both) expect(within(kbps, 200, 0.1, 0), `${kbps.toFixed(1)} KB/s`).toBe(true);
  });

  it("approximates a shared uplink as its capacity split by its users, and says so", async () => {
    const params = bandwidthParams.parse({ sharedUplink: { mbps: 8, users: 5 } });
    expect(bandwidthRateKBps(params)).toBe(200);
    expect(bandwidthFault.describe(params)).toMatch(/APPROXIMATION/);
    await using _fault = await applyFault(bandwidthFault, params, ctx());
    const kbps = await downloadKBps(proxy.port);
    expect(within(kbps, 200, 0.1, 0), `${kbps.toFixed(1)} KB/s`).toBe(true);
  });

  it("rejects params that give both or neither of rateKBps and sharedUplink", () => {
    expect(bandwidthParams.safeParse({}).success).toBe(false);
    expect(bandwidthParams.safeParse({ rateKBps: 10, sharedUplink: { mbps: 200, users: 10 } }).success).toBe(
      false,
    );
  });
});
