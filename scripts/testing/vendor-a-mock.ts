import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { projectRoot } from "../../kernel/paths.js";
import { allocatePorts } from "../../kernel/ports.js";

/** A running `portal-harness mock` of a test; `stop()` (or `await using`) ends it. */
export interface VendorAMock extends AsyncDisposable {
  /** The served base URL: `http://127.0.0.1:PORT/vendor-a/api/v2` for vendor-a, the origin for the contract. */
  baseUrl: string;
  /** `http://127.0.0.1:PORT` (for `/metrics` and `/healthz`). */
  origin: string;
  port: number;
  runDir: string;
  /** The CLI's process (its pid is the mock stack's owner in state.json). */
  child: ChildProcess;
  /** Sends SIGINT and waits for the command to exit (bounded); returns its exit code. */
  stop(): Promise<number | null>;
}

export interface VendorAMockOptions {
  /** The vendor-a client secret (env `PH_VENDOR_A_CLIENT_SECRET` of the command). */
  secret: string;
  /** `contract` serves the contract itself (no secret needed); vendor-a by default. */
  dialect?: "vendor-a" | "contract";
  variant?: string;
  /** Where the run directory goes (`--out`); the project's `out/` when not given. */
  out?: string;
  readyTimeoutMs?: number;
}

const ReadyLine = (line: string): { url: string; runDir: string } | null => {
  try {
    const v = JSON.parse(line) as { event?: unknown; url?: unknown; runDir?: unknown };
    if (v.event === "ready" && typeof v.url === "string" && typeof v.runDir === "string")
      return { url: v.url, runDir: v.runDir };
  } catch {
    // not the ready line
  }
  return null;
};

/** Waits for the child's JSON ready line on stdout; rejects when it exits first or the time is up. */
const waitReady = (child: ChildProcess, timeoutMs: number): Promise<{ url: string; runDir: string }> =>
  new Promise((resolvePromise, reject) => {
    let buffered = "";
    let stderr = "";
    const done = (err: Error | null, v?: { url: string; runDir: string }) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (err) reject(err);
      else if (v) resolvePromise(v);
    };
    const onData = (c: Buffer) => {
      buffered += c.toString("utf8");
      for (const line of buffered.split("\n")) {
        const ready = ReadyLine(line.trim());
        if (ready) return done(null, ready);
      }
    };
    const onExit = (code: number | null) =>
      done(new Error(`mock exited (${code}) before it was ready:\n${buffered}\n${stderr}`));
    const timer = setTimeout(() => {
      child.kill("SIGINT");
      done(new Error(`mock not ready within ${timeoutMs} ms:\n${buffered}\n${stderr}`));
    }, timeoutMs);
    child.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.stdout?.on("data", onData);
    child.on("exit", onExit);
  });

/**
 * Starts `node dist/cli.js mock --dialect vendor-a --port <free port> --json` (the CLI must be built), the
 * secret in its environment only, and waits for its ready line.
 */
export const startVendorAMock = async (o: VendorAMockOptions): Promise<VendorAMock> => {
  const [port] = await allocatePorts(1);
  const args = [join(projectRoot(), "dist", "cli.js"), "mock", "--dialect", o.dialect ?? "vendor-a"];
  args.push("--port", String(port), "--json", "--variant", o.variant ?? "healthy");
  if (o.out !== undefined) args.push("--out", o.out);
  const child = spawn(process.execPath, args, {
    cwd: projectRoot(),
    env: { ...process.env, PH_VENDOR_A_CLIENT_SECRET: o.secret },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const ready = await waitReady(child, o.readyTimeoutMs ?? 90_000);
    const origin = new URL(ready.url).origin;
    // Keep the pipes drained so the child never blocks on a full one.
    child.stdout?.resume();
    child.stderr?.resume();
    return {
      baseUrl: ready.url,
      origin,
      port: port as number,
      runDir: ready.runDir,
      child,
      stop,
      [Symbol.asyncDispose]: async () => void (await stop()),
    };
  } catch (e) {
    await stop();
    throw e;
  }
};
