import type { TrackedProcess } from "../kernel/processes.js";
import { spawnTracked } from "../kernel/processes.js";

export interface StartedToxiproxy {
  adminUrl: string;
  record: TrackedProcess;
  exited: Promise<number | null>;
}

/**
 * Starts a toxiproxy server on loopback and waits until its admin API answers. `onSpawn` gets the process
 * record at once, before the wait, so a run killed meanwhile still has it on record.
 */
export const startToxiproxy = async (
  binary: string,
  port: number,
  logFile?: number,
  onSpawn?: (record: TrackedProcess) => void,
): Promise<StartedToxiproxy> => {
  const spawned = spawnTracked("toxiproxy", binary, ["-host", "127.0.0.1", "-port", String(port)], {
    stdio: ["ignore", logFile ?? "ignore", logFile ?? "ignore"],
  });
  onSpawn?.(spawned.record);
  const adminUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  let exited = false;
  void spawned.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${adminUrl}/version`, { signal: AbortSignal.timeout(500) });
      if (res.ok) return { adminUrl, record: spawned.record, exited: spawned.exited };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  spawned.child.kill("SIGKILL");
  throw new Error(`toxiproxy did not start on port ${port}${exited ? " (it exited)" : ""}`);
};
