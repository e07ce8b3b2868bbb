import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { median, startEchoServer } from "../../kernel/testing/servers.js";
import { applyFault } from "../testing/apply-fault.js";
import { rawGet, within } from "../testing/raw-http.js";
import {
  startToxiproxyFixture,
  type TestProxy,
  type ToxiproxyFixture,
} from "../testing/toxiproxy-fixture.js";
import { slowCloseFault } from "./slow-close.js";

/** Time from the last byte of the response to the peer's close, in ms. */
const closeLag = async (port: number): Promise<number> => {
  const r = await rawGet(port, 5000);
  expect(r.errorCode).toBeNull();
  expect(r.endedAtMs).not.toBeNull();
  return (r.endedAtMs ?? 0) - (r.chunks.at(-1)?.atMs ?? 0);
};

describe("slow-close fault against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TestProxy;

  beforeAll(async () => {
    echo = await startEchoServer("closing");
    toxi = await startToxiproxyFixture();
    proxy = await toxi.proxy("slow-close-test", echo.port);
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  it("delays the close after the response by delayMs, within 10 % or 20 ms", async () => {
    const base = median([await closeLag(proxy.port), await closeLag(proxy.port), await closeLag(proxy.port)]);
    expect(base).toBeLessThan(20);
    await using _fault = await applyFault(
      slowCloseFault,
      { delayMs: 400 },
      { client: toxi.client, proxy: proxy.name, toxicName: "sc" },
    );
    const lags = [await closeLag(proxy.port), await closeLag(proxy.port), await closeLag(proxy.port)];
    const lag = median(lags);
    expect(within(lag, 400, 0.1, 20), `close lag ${lag.toFixed(0)} ms`).toBe(true);
  });
});
