import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), or null if it is gone. */
export const processStartTime = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: fields after the last ')' are fixed.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(rest[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
};

/** True when PID is alive and is the same process that was recorded (start time matches). */
export const isSameProcess = (pid: number, startTime: number): boolean => processStartTime(pid) === startTime;

export interface TrackedProcess {
  name: string;
  pid: number;
  startTime: number;
}

export interface Spawned {
  child: ChildProcess;
  record: TrackedProcess;
  exited: Promise<number | null>;
}

/**
 * Spawns a child in its own process group, so a terminal Ctrl-C reaches only the harness, which then stops
 * its children in order and cleans up.
 */
export const spawnTracked = (
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): Spawned => {
  const child = spawn(command, [...args], { ...options, detached: true });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const exited = new Promise<number | null>((resolvePromise) => {
    if (child.exitCode !== null) resolvePromise(child.exitCode);
    child.once("exit", (code, signal) => resolvePromise(code ?? (signal ? 128 : null)));
    child.once("error", () => resolvePromise(null));
  });
  return { child, record: { name, pid, startTime: processStartTime(pid) ?? -1 }, exited };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
};

/** Stops a recorded process (and its group) if it is still the same process: TERM, then KILL after a grace. */
export const stopRecorded = async (proc: TrackedProcess, graceMs = 3000): Promise<boolean> => {
  if (!isSameProcess(proc.pid, proc.startTime)) return false;
  signalGroup(proc.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isSameProcess(proc.pid, proc.startTime)) return true;
    await sleep(50);
  }
  signalGroup(proc.pid, "SIGKILL");
  for (let i = 0; i < 40 && isSameProcess(proc.pid, proc.startTime); i++) await sleep(25);
  return true;
};
