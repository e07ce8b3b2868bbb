import { type StartedProcess, startProcess, type TrackedProcess } from "../kernel/processes.js";

export interface StartedToxiproxy extends StartedProcess {
  adminUrl: string;
}

/**
 * Go's scheduler for toxiproxy: one processor unless the environment names another count. Proxy, mock and
 * load generator share the machine's cores, and with a processor per core Go's idle processors spin looking
 * for work each time a connection wakes one. Measured on the 2-core machine (bench journey-rate, July-1 mix
 * through toxiproxy into the mock): toxiproxy spent 0.39 → 0.29 of a core at ~1,950 requests/s and 0.47 →
 * 0.33 at ~2,450, where the journeys' p95 fell from 238 to 78 ms; it copies bytes between sockets, which one
 * processor does at these rates with room to spare.
 */
export const toxiproxyGoMaxProcs = (env: NodeJS.ProcessEnv): string => env.GOMAXPROCS ?? "1";

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
    env: { ...process.env, GOMAXPROCS: toxiproxyGoMaxProcs(process.env) },
    ...(o.logFile === undefined ? {} : { logFile: o.logFile }),
    ...(o.record === undefined ? {} : { record: o.record }),
  });
  return { ...started, adminUrl };
};
