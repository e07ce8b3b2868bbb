import { spawn } from "node:child_process";
import { once } from "node:events";
import { processStartTime, spawnTracked, stopRecorded, type TrackedProcess } from "../processes.js";

/** The record of a process that has already exited: the owner of a run that crashed or was killed. */
export const goneOwner = async (): Promise<{ pid: number; startTime: number }> => {
  const owner = spawn("true");
  const pid = owner.pid ?? -1;
  const startTime = processStartTime(pid) ?? 1;
  if (owner.exitCode === null) await once(owner, "exit");
  return { pid, startTime };
};

/** A long `sleep` in its own process group, recorded as a run records its children; disposing stops it. */
export const startSleeper = (name: string): TrackedProcess & AsyncDisposable => {
  const { record } = spawnTracked(name, "sleep", ["60"], { stdio: "ignore" });
  return {
    ...record,
    [Symbol.asyncDispose]: async () => {
      await stopRecorded(record, 500);
    },
  };
};
