import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { environmentError } from "./errors.js";
import { sleep } from "./sleep.js";

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

/**
 * Polls `check` every `intervalMs` until it holds (true) or `timeoutMs` passes, or `stopIf` says there is no
 * point waiting any longer (false).
 */
export const pollUntil = async (
  check: () => boolean | Promise<boolean>,
  o: { timeoutMs: number; intervalMs?: number; stopIf?: () => boolean },
): Promise<boolean> => {
  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline && !o.stopIf?.()) {
    if (await check()) return true;
    await sleep(o.intervalMs ?? 50);
  }
  return false;
};

/** True when a GET of `url` answers 2xx within `timeoutMs` (the body is read, so the connection is reused). */
export const answersHttp = async (url: string, timeoutMs = 500): Promise<boolean> => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
};

export interface StartProcessOptions {
  name: string;
  command: string;
  args: readonly string[];
  /** Ready when a GET of `url` answers 2xx, or when `check` returns true. */
  ready: { url: string } | { check: () => Promise<boolean> };
  /** Where stdout and stderr go (appended), unless `stdio` is given; named in every error. */
  logFile?: string;
  /** Instead of the log file: for a server that writes its own log (then `logFile` names it). */
  stdio?: SpawnOptions["stdio"];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Told the process's record at once, before the wait, so a run killed meanwhile still has it on record. */
  record?: (record: TrackedProcess) => void;
  /** How long it may take to answer (default 20 s). */
  timeoutMs?: number;
  intervalMs?: number;
  /** Grace between TERM and KILL when it is stopped (default 3 s). */
  stopGraceMs?: number;
}

/** A process that answered; `stop()` (or leaving an `await using` scope) stops it and its group. */
export interface StartedProcess extends AsyncDisposable {
  name: string;
  record: TrackedProcess;
  child: ChildProcess;
  exited: Promise<number | null>;
  logFile: string | null;
  stop(): Promise<void>;
}

/**
 * Starts a process in its own group, records it, and waits until it answers. A process that exits first, or
 * does not answer in time, is stopped and reported with its log file named (exit 3, environment).
 */
export const startProcess = async (o: StartProcessOptions): Promise<StartedProcess> => {
  const log = o.logFile === undefined || o.stdio !== undefined ? null : openSync(o.logFile, "a");
  let spawned: Spawned;
  try {
    spawned = spawnTracked(o.name, o.command, o.args, {
      stdio: o.stdio ?? ["ignore", log ?? "ignore", log ?? "ignore"],
      ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
      ...(o.env === undefined ? {} : { env: o.env }),
    });
  } finally {
    // The child holds its own copy of the descriptor.
    if (log !== null) closeSync(log);
  }
  o.record?.(spawned.record);
  let exitCode: number | null | undefined;
  void spawned.exited.then((code) => {
    exitCode = code;
  });
  const timeoutMs = o.timeoutMs ?? 20_000;
  const target = o.ready;
  const ready = "url" in target ? () => answersHttp(target.url) : target.check;
  const answered = await pollUntil(ready, {
    timeoutMs,
    intervalMs: o.intervalMs ?? 50,
    stopIf: () => exitCode !== undefined,
  });
  const stop = async () => {
    await stopRecorded(spawned.record, o.stopGraceMs);
  };
  if (!answered) {
    // Decided before stopping it: once stopped, it has exited too.
    const why =
      exitCode !== undefined
        ? `exited while starting (exit ${exitCode ?? "unknown"})`
        : `did not answer${"url" in target ? ` at ${target.url}` : ""} within ${timeoutMs / 1000} s`;
    await stop();
    throw environmentError(`${o.name} ${why}${o.logFile === undefined ? "" : `; see ${o.logFile}`}`);
  }
  return {
    name: o.name,
    record: spawned.record,
    child: spawned.child,
    exited: spawned.exited,
    logFile: o.logFile ?? null,
    stop,
    [Symbol.asyncDispose]: stop,
  };
};
