import { type StartedProcess, startProcess, type TrackedProcess } from "../kernel/processes.js";

export interface StartedToxiproxy extends StartedProcess {
  adminUrl: string;
}

/**
 * Starts a toxiproxy server on loopback and waits until its admin API answers. `record` gets the process at
 * once, before the wait, so a run killed meanwhile still has it on record.
 */
export const startToxiproxy = async (o: {
  binary: string;
  port: number;
  /** Where its output goes (appended); without one it is discarded. */
  logFile?: string;
  record?: (record: TrackedProcess) => void;
}): Promise<StartedToxiproxy> => {
  const adminUrl = `http://127.0.0.1:${o.port}`;
  const started = await startProcess({
    name: "toxiproxy",
    command: o.binary,
    args: ["-host", "127.0.0.1", "-port", String(o.port)],
    ready: { url: `${adminUrl}/version` },
    timeoutMs: 10_000,
    ...(o.logFile === undefined ? {} : { logFile: o.logFile }),
    ...(o.record === undefined ? {} : { record: o.record }),
  });
  return { ...started, adminUrl };
};
