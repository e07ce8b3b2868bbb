import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allocatePorts } from "./ports.js";
import { isSameProcess, startProcess, type TrackedProcess } from "./processes.js";
import { tempDir } from "./testing/temp-dir.js";

/** A Node one-liner as a child process. */
const node = (name: string, script: string, logFile: string, more: { timeoutMs?: number } = {}) => ({
  name,
  command: process.execPath,
  args: ["-e", script],
  logFile,
  ...more,
});

describe("startProcess: spawn tracked, wait until it answers, record it, stop it", () => {
  it("waits for the health URL, records the process at once, and `await using` stops it", async () => {
    using dir = tempDir("ph-proc-");
    const [port] = (await allocatePorts(1)) as [number];
    const recorded: TrackedProcess[] = [];
    let record: TrackedProcess;
    {
      await using server = await startProcess({
        ...node(
          "server",
          `setTimeout(() => require("node:http").createServer((q, s) => s.end("ok")).listen(${port}, "127.0.0.1"), 300); console.log("up");`,
          join(dir.path, "server.log"),
        ),
        ready: { url: `http://127.0.0.1:${port}/` },
        record: (r) => recorded.push(r),
      });
      record = server.record;
      expect(recorded).toEqual([server.record]);
      expect(isSameProcess(record.pid, record.startTime)).toBe(true);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("ok");
    }
    expect(isSameProcess(record.pid, record.startTime)).toBe(false);
    expect(readFileSync(join(dir.path, "server.log"), "utf8")).toContain("up");
  });

  it("a process that exits while starting fails at once, naming its log file (exit 3)", async () => {
    using dir = tempDir("ph-proc-");
    const log = join(dir.path, "quits.log");
    const started = performance.now();
    const failed = startProcess({
      ...node("quits", 'console.error("no config"); process.exit(4)', log),
      ready: { check: async () => false },
    });
    await expect(failed).rejects.toMatchObject({
      exitCode: 3,
      message: `quits exited while starting (exit 4); see ${log}`,
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(readFileSync(log, "utf8")).toContain("no config");
  });

  it("a process that never answers is stopped at the deadline and named with its log file", async () => {
    using dir = tempDir("ph-proc-");
    const log = join(dir.path, "silent.log");
    const recorded: TrackedProcess[] = [];
    await expect(
      startProcess({
        ...node("silent", "setInterval(() => {}, 1000)", log, { timeoutMs: 500 }),
        ready: { check: async () => false },
        record: (r) => recorded.push(r),
      }),
    ).rejects.toThrow(`silent did not answer within 0.5 s; see ${log}`);
    const [r] = recorded as [TrackedProcess];
    expect(isSameProcess(r.pid, r.startTime)).toBe(false);
  });
});
