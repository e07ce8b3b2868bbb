import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoServer } from "../../kernel/testing/servers.js";
import { applyFault } from "../testing/apply-fault.js";
import { rawGet } from "../testing/raw-http.js";
import {
  startToxiproxyFixture,
  type TestProxy,
  type ToxiproxyFixture,
} from "../testing/toxiproxy-fixture.js";
import { limitDataFault } from "./limit-data.js";

describe("limit-data fault against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TestProxy;

  beforeAll(async () => {
    echo = await startEchoServer("d".repeat(10_000));
    toxi = await startToxiproxyFixture();
    proxy = await toxi.proxy("limit-test", echo.port);
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  it("truncates responses to exactly the byte limit, then serves them whole again", async () => {
    const whole = await rawGet(proxy.port);
    expect(whole.bytes).toBeGreaterThan(10_000);
    {
      await using _fault = await applyFault(
        limitDataFault,
        { bytes: 1234 },
        { client: toxi.client, proxy: proxy.name, toxicName: "ld" },
      );
      for (let i = 0; i < 3; i++) {
        const r = await rawGet(proxy.port, 3000);
        expect(r.timedOut).toBe(false);
        expect(r.bytes).toBe(1234);
      }
    }
    expect((await rawGet(proxy.port)).bytes).toBe(whole.bytes);
  });
});
