import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { median, startEchoServer } from "../../kernel/testing/servers.js";
import { applyFault } from "../testing/apply-fault.js";
import { rawGet, within } from "../testing/raw-http.js";
import {
  startToxiproxyFixture,
  type TestProxy,
  type ToxiproxyFixture,
} from "../testing/toxiproxy-fixture.js";
import { slicerFault, slicerParams } from "./slicer.js";

const bodyBytes = 8000;

describe("slicer fault against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TestProxy;

  beforeAll(async () => {
    echo = await startEchoServer("s".repeat(bodyBytes));
    toxi = await startToxiproxyFixture();
    proxy = await toxi.proxy("slicer-test", echo.port);
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  it("cuts a response into pieces of about averageSize, delayUs apart (gap within 10 % or 5 ms)", async () => {
    const whole = await rawGet(proxy.port);
    expect(whole.chunks.length).toBeLessThanOrEqual(2);
    await using _fault = await applyFault(
      slicerFault,
      { averageSize: 500, sizeVariation: 100, delayUs: 20_000 },
      { client: toxi.client, proxy: proxy.name, toxicName: "sl" },
    );
    const r = await rawGet(proxy.port, 5000);
    expect(r.bytes).toBe(whole.bytes);
    // Slices are at most averageSize + sizeVariation bytes; toxiproxy halves chunks until they fit.
    expect(r.chunks.length).toBeGreaterThanOrEqual(Math.floor(whole.bytes / 600));
    for (const c of r.chunks) expect(c.size).toBeLessThanOrEqual(600);
    const gaps = r.chunks.slice(1).map((c, i) => c.atMs - (r.chunks[i]?.atMs ?? 0));
    const gap = median(gaps);
    expect(within(gap, 20, 0.1, 5), `median gap ${gap.toFixed(1)} ms`).toBe(true);
  });

  it("rejects a variation that toxiproxy cannot use", () => {
    expect(slicerParams.safeParse({ averageSize: 100, sizeVariation: 100 }).success).toBe(false);
    expect(slicerParams.safeParse({ averageSize: 100, sizeVariation: 0 }).success).toBe(false);
  });
});
