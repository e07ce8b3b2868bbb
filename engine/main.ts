import { isHarnessError } from "../kernel/errors.js";
import { ExitCode } from "../kernel/exit-codes.js";
import { parseJsonFile } from "../kernel/validate.js";
import { EngineConfig, type FromEngine, progressLine, type ToEngine } from "./config.js";
import { runEngine } from "./coordinator/coordinator.js";

/**
 * The engine process: `node dist/engine.js CONFIG.json`. With an IPC channel (started by the harness) it
 * reports readiness, progress and its result as messages and waits for t0; alone it prints them.
 */
const main = async (): Promise<number> => {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: engine CONFIG.json\n");
    return ExitCode.badInput;
  }
  const config = parseJsonFile(EngineConfig, file);
  const viaIpc = typeof process.send === "function";
  const send = (m: FromEngine) => {
    if (viaIpc) process.send?.(m);
    else if (m.type === "progress" && config.progress === "stderr")
      process.stderr.write(`${progressLine(m.progress)}\n`);
  };
  let stopHandler: () => void = () => {};
  let startResolve: (t0: { epochMs: number; monoMs?: number }) => void = () => {};
  const started = new Promise<{ epochMs: number; monoMs?: number }>((r) => {
    startResolve = r;
  });
  process.on("message", (m: ToEngine) => {
    if (m.type === "start")
      startResolve({ epochMs: m.t0EpochMs, ...(m.t0MonoMs === undefined ? {} : { monoMs: m.t0MonoMs }) });
    if (m.type === "stop") stopHandler();
  });
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals > 1) process.exit(ExitCode.interrupted);
    stopHandler();
    startResolve({ epochMs: Date.now() });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const result = await runEngine(config, {
    send,
    waitForStart: () => started,
    onStop: (fn) => {
      stopHandler = fn;
    },
    say: (line) => process.stdout.write(`${line}\n`),
  });
  send({ type: "result", result });
  if (!viaIpc && result.reason.length > 0) for (const r of result.reason) process.stderr.write(`${r}\n`);
  return result.exitCode;
};

main().then(
  (code) => {
    process.exitCode = code;
    if (process.connected) process.disconnect();
  },
  (e: unknown) => {
    const lines = isHarnessError(e)
      ? [...e.lines]
      : [`the engine failed: ${(e as Error).stack ?? String(e)}`];
    const exitCode = isHarnessError(e) ? e.exitCode : ExitCode.environment;
    for (const l of lines) process.stderr.write(`${l}\n`);
    if (typeof process.send === "function")
      process.send({ type: "failed", exitCode, lines } satisfies FromEngine);
    process.exitCode = exitCode;
    if (process.connected) process.disconnect();
  },
);
