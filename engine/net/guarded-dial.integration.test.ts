import { mkdtempSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleScript } from "../bundle/bundle.js";
import { measureEpochOffset, monoNow } from "../clock/clock.js";
import { SharedCounters } from "../executors/shared-counters.js";
import { resolveOptions } from "../options/resolve.js";
import { startServer } from "../testing/servers.js";
import type { FromWorker } from "../worker/protocol.js";
import { WorkerEngine } from "../worker/worker-engine.js";
import { type Dial, GuardedDialer, HostRefusedError } from "./guarded-dial.js";

/** A resolver that answers from a table and records every name it was asked. */
const tableResolver = (table: Record<string, string[]>) => {
  const asked: string[] = [];
  return {
    asked,
    resolve: async (name: string) => {
      asked.push(name);
      const found = table[name];
      if (!found) throw new Error("no such host");
      return found;
    },
  };
};

/** A dialler that records where it connected; only loopback addresses are dialled at all. */
const loopbackDial = (): { dialled: string[]; dial: Dial } => {
  const dialled: string[] = [];
  return {
    dialled,
    dial: ({ address, port }) => {
      dialled.push(`${address}:${port}`);
      if (!address.startsWith("127.")) throw new Error(`test refused to dial ${address}`);
      return connect({ host: address, port });
    },
  };
};

describe("the guarded dialler", () => {
  it("resolves only allowlisted names and dials the address it checked", async () => {
    await using server = await startServer((_req, res) => res.end("ok"));
    const r = tableResolver({ "staging.dvc.example": ["127.0.0.1"], localhost: ["127.0.0.1"] });
    const d = loopbackDial();
    const dialer = new GuardedDialer({
      allow: { hosts: ["staging.dvc.example"] },
      resolve: r.resolve,
      dial: d.dial,
    });
    const s = await dialer.connect({
      hostname: "staging.dvc.example",
      port: server.port,
      tls: false,
      timeoutMs: 1000,
    });
    s.destroy();
    await expect(
      dialer.connect({ hostname: "evil.example", port: 80, tls: false, timeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(HostRefusedError);
    await expect(
      dialer.connect({ hostname: "10.0.0.1", port: 80, tls: false, timeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(HostRefusedError);
    expect(r.asked).toEqual(["staging.dvc.example"]);
    expect(d.dialled).toEqual([`127.0.0.1:${server.port}`]);
    expect(dialer.attempts).toEqual([
      { host: "staging.dvc.example", address: "127.0.0.1", port: server.port },
    ]);
  });

  it("refuses localhost when it resolves off loopback", async () => {
    const r = tableResolver({ localhost: ["192.0.2.10"] });
    const d = loopbackDial();
    const dialer = new GuardedDialer({ allow: { hosts: [] }, resolve: r.resolve, dial: d.dial });
    await expect(
      dialer.connect({ hostname: "localhost", port: 80, tls: false, timeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(HostRefusedError);
    expect(d.dialled).toEqual([]);
  });

  it("a redirect to a host off the list is refused and never resolved or dialled (engine in-process)", async () => {
    await using server = await startServer((req, res) => {
      if (req.url === "/start") {
        res.writeHead(302, { location: "http://sso.evil.example/login" });
        return res.end();
      }
      res.end("ok");
    });
    const r = tableResolver({ "portal.staging.example": ["127.0.0.1"], "sso.evil.example": ["127.0.0.1"] });
    const d = loopbackDial();
    const dir = mkdtempSync(join(tmpdir(), "redirect-"));
    const file = join(dir, "s.js");
    writeFileSync(
      file,
      `import http from "k6/http";
       export default async function () {
         const res = await http.asyncRequest("GET", "http://portal.staging.example:${server.port}/start");
         console.log(JSON.stringify({ status: res.status, url: res.url }));
       }`,
    );
    const bundle = await bundleScript(file);
    const messages: FromWorker[] = [];
    const engine = new WorkerEngine(
      {
        worker: 0,
        workers: 1,
        cjs: bundle.cjs,
        filename: file,
        dir,
        env: {},
        options: resolveOptions({ iterations: 1 }, file),
        exposedOptions: {},
        allowHosts: ["portal.staging.example"],
        epochOffset: measureEpochOffset(),
        counters: SharedCounters.create(1).buffer,
        flushEveryMs: 50,
      },
      (m) => messages.push(m),
      { resolve: r.resolve, dial: d.dial },
    );
    engine.load();
    await new Promise<void>((resolveDone) => {
      const check = setInterval(() => {
        if (messages.some((m) => m.type === "done")) {
          clearInterval(check);
          resolveDone();
        }
      }, 20);
      engine.start(monoNow() + 10, Date.now() + 10, undefined);
    });
    await engine.handle({ type: "exit" });
    expect(messages.find((m) => m.type === "fatal")).toEqual({
      type: "fatal",
      message: expect.stringMatching(/refused host sso\.evil\.example/),
    });
    expect(r.asked).toEqual(["portal.staging.example"]);
    expect(d.dialled).toEqual([`127.0.0.1:${server.port}`]);
    expect(server.requests).toBe(1);
  });
});
