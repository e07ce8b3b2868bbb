import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../kernel/sleep.js";
import { listenOnLoopback, median, startEchoServer } from "../kernel/testing/servers.js";
import { rawGet, timedGet, within } from "./testing/raw-http.js";
import { startToxiproxyFixture, type ToxiproxyFixture } from "./testing/toxiproxy-fixture.js";

const latencyToxic = (name: string, latency: number) =>
  ({ name, type: "latency", stream: "downstream", toxicity: 1, attributes: { latency, jitter: 0 } }) as const;

const medianGet = async (port: number, n = 5): Promise<number> => {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await timedGet(port));
  return median(xs);
};

describe("ToxiproxyClient against real toxiproxy", () => {
  let toxi: ToxiproxyFixture;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;

  beforeAll(async () => {
    echo = await startEchoServer("client");
    toxi = await startToxiproxyFixture({ removeTimeoutMs: 1000, retries: 1 });
  });
  afterAll(async () => {
    await toxi?.stop();
    await echo?.close();
  });

  it("creates, reads, lists and deletes proxies; a missing proxy is not an error to delete", async () => {
    expect(await toxi.client.version()).toBe("2.12.0");
    const p = await toxi.proxy("crud", echo.port);
    const state = await toxi.client.getProxy("crud");
    expect(state).toMatchObject({ name: "crud", listen: `127.0.0.1:${p.port}`, enabled: true, toxics: [] });
    expect((await toxi.client.listProxies()).map((x) => x.name)).toContain("crud");
    expect(await toxi.client.deleteProxy("crud")).toBe(true);
    expect(await toxi.client.deleteProxy("crud")).toBe(false);
    expect(await toxi.client.getProxy("crud")).toBeNull();
  });

  it("replaces a toxic of the same name and updates one in place", async () => {
    const p = await toxi.proxy("update", echo.port);
    const base = await medianGet(p.port);
    await toxi.client.addToxic(p.name, latencyToxic("t", 100));
    await toxi.client.addToxic(p.name, latencyToxic("t", 150));
    expect((await toxi.client.getProxy(p.name))?.toxics).toHaveLength(1);
    expect(within((await medianGet(p.port)) - base, 150, 0.1, 20)).toBe(true);
    await toxi.client.updateToxic(p.name, "t", { attributes: { latency: 300 } });
    expect(within((await medianGet(p.port, 3)) - base, 300, 0.1, 20)).toBe(true);
    await toxi.client.deleteProxy(p.name);
  });

  it("runs toxiproxy on one Go processor unless the environment names a count", async () => {
    const environ = readFileSync(`/proc/${toxi.pid}/environ`, "latin1").split("\0");
    expect(environ).toContain(`GOMAXPROCS=${process.env.GOMAXPROCS ?? "1"}`);
  });

  it("reports toxiproxy's own error text", async () => {
    await expect(toxi.client.setEnabled("no-such-proxy", false)).rejects.toThrow(/404.*proxy not found/);
  });

  it("recreates the proxy when removing a toxic hangs on a stuck connection, keeping its other toxics", async () => {
    // Clients that stop reading a large response make toxiproxy's toxic removal (and reads of the proxy) block.
    const big = Buffer.alloc(20_000_000, 120);
    await using upstream = await listenOnLoopback(
      createServer((req, res) => {
        if (req.url === "/big") res.end(big);
        else res.end("small");
      }),
    );
    const stuck: Socket[] = [];
    // Disposed before the server: the stuck clients go first.
    using _stuck = {
      [Symbol.dispose]: () => {
        for (const s of stuck) s.destroy();
      },
    };
    const p = await toxi.proxy("hang", upstream.port);
    await toxi.client.addToxic(p.name, latencyToxic("kept", 120));
    await toxi.client.addToxic(p.name, latencyToxic("removed", 10));
    for (let i = 0; i < 3; i++) {
      const s = connect({ host: "127.0.0.1", port: p.port });
      s.on("error", () => {});
      s.on("connect", () => {
        s.write("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        s.pause();
      });
      stuck.push(s);
    }
    await sleep(800);
    const started = performance.now();
    expect(await toxi.client.removeToxic(p.name, "removed")).toBe("recreated");
    expect(performance.now() - started).toBeLessThan(5000);
    const state = await toxi.client.getProxy(p.name);
    expect(state?.toxics.map((t) => t.name)).toEqual(["kept"]);
    const r = await rawGet(p.port, 3000, { path: "/small" });
    expect(r.errorCode).toBeNull();
    expect(r.chunks[0]?.atMs ?? 0).toBeGreaterThanOrEqual(100);
  });

  it("resets only the named proxies, and the whole server on reset()", async () => {
    const a = await toxi.proxy("reset-a", echo.port);
    const b = await toxi.proxy("reset-b", echo.port);
    for (const p of [a, b]) {
      await toxi.client.addToxic(p.name, latencyToxic("t", 50));
      await toxi.client.setEnabled(p.name, false);
    }
    await toxi.client.resetProxies([a.name]);
    expect(await toxi.client.getProxy(a.name)).toMatchObject({ enabled: true, toxics: [] });
    expect(await toxi.client.getProxy(b.name)).toMatchObject({ enabled: false });
    await toxi.client.reset();
    expect(await toxi.client.getProxy(b.name)).toMatchObject({ enabled: true, toxics: [] });
  });

  it("gives up on an admin API that does not answer within its deadline", async () => {
    const { ToxiproxyClient } = await import("./toxiproxy-client.js");
    // A stopped server: the port refuses, which the client reports without hanging.
    const gone = new ToxiproxyClient("http://127.0.0.1:1", { timeoutMs: 300, retries: 1 });
    const started = performance.now();
    await expect(gone.version()).rejects.toThrow(/toxiproxy version failed/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
