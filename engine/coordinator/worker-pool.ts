import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker, WorkerInit, WorkerState } from "../worker/protocol.js";
import type { ConsoleLog } from "./console-log.js";
import type { Ending } from "./ending.js";
import type { SampleStream } from "./sample-stream.js";

const workerFile = (): string => join(dirname(fileURLToPath(import.meta.url)), "engine-worker.js");

interface WorkerHandle {
  thread: Worker;
  state: WorkerState | null;
  done: boolean;
  exited: boolean;
}

/**
 * The engine's worker threads as the coordinator sees them: it starts them, routes their messages (sample
 * batches to the stream, console lines to the log, fatal errors and aborts to the ending, replies to whoever
 * waits for them), and stops them, waiting up to 2 s for each to exit on its own.
 */
export class WorkerPool {
  private readonly handles: WorkerHandle[] = [];
  private readonly waiters = new Map<string, (m: FromWorker) => void>();
  private finishedAll: () => void = () => {};
  /** Resolves when every worker has finished its schedule. */
  readonly allDone = new Promise<void>((r) => {
    this.finishedAll = r;
  });

  constructor(
    private readonly stream: SampleStream,
    private readonly log: ConsoleLog,
    private readonly ending: Ending,
  ) {}

  start(count: number, initFor: (worker: number) => WorkerInit): void {
    // V8 lets a heap grow to several times what survives a full collection before collecting again; with
    // tens of thousands of VUs that slack, not the VUs, is most of the engine's memory. Growing by at most
    // half the live size after each full collection (set before the worker isolates exist) measured, at
    // 20,000 VUs and 2,000 requests/s: peak resident memory 532 → 355 MiB for about 4 % more CPU.
    setFlagsFromString("--heap-growing-percent=50");
    for (let i = 0; i < count; i++) {
      const thread = new Worker(workerFile(), {
        workerData: initFor(i),
        // A larger young generation than Node's default: fewer scavenges at high request rates.
        resourceLimits: { maxYoungGenerationSizeMb: 48 },
      });
      const handle: WorkerHandle = { thread, state: null, done: false, exited: false };
      this.handles.push(handle);
      thread.once("exit", () => {
        handle.exited = true;
      });
      thread.on("message", (m: FromWorker) => this.onMessage(i, m));
      thread.on("error", (e) => this.ending.endWith("error", `worker ${i} failed: ${e.stack ?? e.message}`));
    }
  }

  /** Resolves when every worker has run the init code: null, or the first init error. */
  async ready(): Promise<string | null> {
    const replies = await Promise.all(
      this.handles.map(
        (w, i) =>
          new Promise<FromWorker>((resolvePromise) => {
            this.waiters.set(`${i}:ready`, resolvePromise);
            this.waiters.set(`${i}:init-error`, resolvePromise);
            w.thread.once("exit", () => resolvePromise({ type: "init-error", message: "the worker exited" }));
          }),
      ),
    );
    const failed = replies.find((m) => m.type === "init-error");
    return failed?.type === "init-error" ? failed.message : null;
  }

  /** Sends a message to one worker and resolves with its reply of the given type. */
  ask(index: number, message: ToWorker, reply: FromWorker["type"]): Promise<FromWorker> {
    const key = `${index}:${reply}`;
    const pending = new Promise<FromWorker>((resolvePromise) => {
      this.waiters.set(key, (m) => {
        this.waiters.delete(key);
        resolvePromise(m);
      });
    });
    this.handles[index]?.thread.postMessage(message);
    return pending;
  }

  broadcast(message: ToWorker): void {
    for (const w of this.handles) w.thread.postMessage(message);
  }

  get size(): number {
    return this.handles.length;
  }

  /** Each worker's last reported state (null before its first batch). */
  states(): Array<WorkerState | null> {
    return this.handles.map((w) => w.state);
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.handles.map(async (w) => {
        if (w.exited) return;
        let timer: NodeJS.Timeout | undefined;
        w.thread.postMessage({ type: "exit" } satisfies ToWorker);
        await Promise.race([once(w.thread, "exit"), new Promise((r) => (timer = setTimeout(r, 2000)))]);
        clearTimeout(timer);
        await w.thread.terminate();
      }),
    );
  }

  private onMessage(index: number, m: FromWorker): void {
    const w = this.handles[index] as WorkerHandle;
    switch (m.type) {
      case "batch":
        w.state = m.state;
        this.stream.receive(m);
        this.log.write(m.logs);
        return;
      case "done":
        w.done = true;
        this.stream.workerDone(index);
        if (this.handles.every((x) => x.done)) this.finishedAll();
        return;
      case "fatal":
        this.ending.endWith("error", m.message);
        return;
      case "abort":
        this.ending.endWith("aborted-by-script", `exec.test.abort(): ${m.message}`);
        return;
      default:
        this.waiters.get(`${index}:${m.type}`)?.(m);
    }
  }
}
