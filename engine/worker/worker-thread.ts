import { parentPort, workerData } from "node:worker_threads";
import type { ToWorker, WorkerInit } from "./protocol.js";
import { WorkerEngine } from "./worker-engine.js";

/** The worker thread's entry: one WorkerEngine talking to the coordinator over the parent port. */
/**
 * Errors made by the engine's own code and Node's sockets carry no stack in a worker: a failing request or
 * closing socket makes one each, and capturing stacks measured at a tenth of a worker's time when VUs think
 * longer than the idle timeout. The script's errors keep theirs: its realm has its own Error.
 */
Error.stackTraceLimit = 0;

const port = parentPort;
if (!port) throw new Error("the engine worker must run in a worker thread");
const engine = new WorkerEngine(workerData as WorkerInit, (m, transfer) =>
  port.postMessage(m, transfer ?? []),
);
try {
  port.postMessage({ type: "ready", exports: engine.load() });
} catch (e) {
  port.postMessage({ type: "init-error", message: (e as Error).stack ?? String(e) });
}
port.on("message", (m: ToWorker) => {
  void engine.handle(m).then(() => {
    // Idle sockets, timers or the script's own handles must not keep the thread alive once the test is over.
    if (m.type === "exit") setImmediate(() => process.exit(0));
  });
});
