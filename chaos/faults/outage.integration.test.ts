import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoServer } from "../../kernel/testing/servers.js";
import { applyFault } from "../testing/apply-fault.js";
import { rawGet } from "../testing/raw-http.js";
import {
  startToxiproxyFixture,
  type TestProxy,
  type ToxiproxyFixture,
} from "../testing/toxiproxy-fixture.js";
import { outageFault } from "./outage.js";

describe("outage fault against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TestProxy;

  beforeAll(async () => {
    echo = await startEchoServer("up");
    toxi = await startToxiproxyFixture();
    proxy = await toxi.proxy("outage-test", echo.port);
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  it("refuses new connections while down and serves again after", async () => {
    expect((await rawGet(proxy.port)).errorCode).toBeNull();
    {
      await using _fault = await applyFault(
        outageFault,
        {},
        { client: toxi.client, proxy: proxy.name, toxicName: "o" },
      );
      for (let i = 0; i < 3; i++) {
        const r = await rawGet(proxy.port, 2000);
        expect(r.errorCode).toBe("ECONNREFUSED");
        expect(r.bytes).toBe(0);
      }
    }
    const after = await rawGet(proxy.port);
    expect(after.errorCode).toBeNull();
    expect(after.bytes).toBeGreaterThan(0);
  });
});
