import { ExitCode } from "../../kernel/exit-codes.js";

/**
 * Runs `work` with Ctrl-C, SIGTERM and SIGHUP turned into an abort signal: the first one says what is being
 * stopped; whatever the run started is stopped by the run itself. An interrupted run exits 130.
 */
export const withInterrupts = async (
  say: (line: string) => void,
  work: (signal: AbortSignal) => Promise<number>,
): Promise<number> => {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) say("interrupted: stopping the engine, faults, proxies and the mock; please wait");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  try {
    const code = await work(controller.signal);
    return controller.signal.aborted ? ExitCode.interrupted : code;
  } catch (e) {
    if (controller.signal.aborted) return ExitCode.interrupted;
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
  }
};
