import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoServer } from "../../kernel/testing/servers.js";
import { applyFault } from "../testing/apply-fault.js";
import { rawGet, within } from "../testing/raw-http.js";
import {
  startToxiproxyFixture,
  type TestProxy,
  type ToxiproxyFixture,
} from "../testing/toxiproxy-fixture.js";
import { resetPeerFault } from "./reset-peer.js";

describe("reset-peer fault against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TestProxy;

  beforeAll(async () => {
    echo = await startEchoServer("through");
    toxi = await startToxiproxyFixture();
    proxy = await toxi.proxy("reset-test", echo.port);
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  const ctx = () => ({ client: toxi.client, proxy: proxy.name, toxicName: "rst" });

  it("resets connections (ECONNRESET) and stops after removal", async () => {
    {
      await using _fault = await applyFault(resetPeerFault, {}, ctx());
      for (let i = 0; i < 3; i++) {
        const r = await rawGet(proxy.port, 2000);
        expect(r.errorCode).toBe("ECONNRESET");
        expect(r.bytes).toBe(0);
      }
    }
    const after = await rawGet(proxy.port);
    expect(after.errorCode).toBeNull();
    expect(after.bytes).toBeGreaterThan(0);
  });

  it("resets after timeoutMs, within 10 % or 50 ms", async () => {
    await using _fault = await applyFault(resetPeerFault, { timeoutMs: 400, stream: "upstream" }, ctx());
    const r = await rawGet(proxy.port, 3000);
    expect(r.errorCode).toBe("ECONNRESET");
    expect(within(r.errorAtMs ?? -1, 400, 0.1, 50), `reset after ${r.errorAtMs?.toFixed(0)} ms`).toBe(true);
  });
});
