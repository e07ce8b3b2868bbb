import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoServer } from "../../kernel/testing/servers.js";
import { applyFault } from "../testing/apply-fault.js";
import { rawGet, within } from "../testing/raw-http.js";
import {
  startToxiproxyFixture,
  type TestProxy,
  type ToxiproxyFixture,
} from "../testing/toxiproxy-fixture.js";
import { blackholeFault } from "./blackhole.js";

describe("blackhole fault against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TestProxy;

  beforeAll(async () => {
    echo = await startEchoServer("through");
    toxi = await startToxiproxyFixture();
    proxy = await toxi.proxy("blackhole-test", echo.port);
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  const ctx = () => ({ client: toxi.client, proxy: proxy.name, toxicName: "bh" });

  it("holds every byte while in force (timeoutMs 0): the client waits in vain", async () => {
    {
      await using _fault = await applyFault(blackholeFault, {}, ctx());
      const r = await rawGet(proxy.port, 800, { keepAlive: true });
      expect(r.timedOut).toBe(true);
      expect(r.bytes).toBe(0);
    }
    expect((await rawGet(proxy.port)).bytes).toBeGreaterThan(0);
  });

  it("closes the connection after timeoutMs without a byte, within 10 % or 50 ms", async () => {
    await using _fault = await applyFault(blackholeFault, { timeoutMs: 500 }, ctx());
    const r = await rawGet(proxy.port, 3000, { keepAlive: true });
    expect(r.timedOut).toBe(false);
    expect(r.bytes).toBe(0);
    expect(within(r.totalMs, 500, 0.1, 50), `closed after ${r.totalMs.toFixed(0)} ms`).toBe(true);
  });

  it("drops the response and passes the close on when the server closes after answering", async () => {
    await using _fault = await applyFault(blackholeFault, {}, ctx());
    const r = await rawGet(proxy.port, 2000);
    expect(r.timedOut).toBe(false);
    expect(r.bytes).toBe(0);
  });

  it("swallows requests upstream: the server never answers", async () => {
    await using _fault = await applyFault(blackholeFault, { stream: "upstream" }, ctx());
    const r = await rawGet(proxy.port, 600, { keepAlive: true });
    expect(r.timedOut).toBe(true);
    expect(r.bytes).toBe(0);
  });
});
