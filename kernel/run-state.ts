import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { isSameProcess, processStartTime, type TrackedProcess } from "./processes.js";
import { runFiles } from "./run-files.js";

/**
 * A run's own record of what it started, written as each thing starts, so that a later command can find and
 * stop whatever a crashed or killed run left behind, touching nothing it did not start: processes by pid and
 * start time, proxies by name on the toxiproxy that holds them, containers by id on the runtime that runs them.
 */
const ChildRecord = z.object({ name: z.string(), pid: z.number().int(), startTime: z.number() });

const ContainerRecord = z.object({
  /** The container runtime's API socket (a Docker-compatible API, e.g. podman's). */
  socket: z.string(),
  id: z.string(),
  name: z.string(),
});
export type ContainerRecord = z.infer<typeof ContainerRecord>;

export const RunStateSchema = z.object({
  runId: z.string(),
  owner: z.object({ pid: z.number().int(), startTime: z.number() }),
  startedAt: z.string(),
  ended: z.boolean(),
  children: z.array(ChildRecord),
  proxies: z.array(z.object({ adminUrl: z.string(), name: z.string(), listen: z.string().optional() })),
  containers: z.array(ContainerRecord).optional(),
  cleanedBy: z.string().optional(),
});
export type RunState = z.infer<typeof RunStateSchema>;

/** The run directory's state file (named with the others in run-files.ts). */
export const stateFile = (runDir: string): string => runFiles(runDir).state;

export const writeAtomic = (file: string, value: unknown): void => {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
};

export class RunStateRecorder {
  readonly state: RunState;
  private readonly file: string;

  constructor(runDir: string, runId: string) {
    this.file = stateFile(runDir);
    this.state = {
      runId,
      owner: { pid: process.pid, startTime: processStartTime(process.pid) ?? -1 },
      startedAt: new Date().toISOString(),
      ended: false,
      children: [],
      proxies: [],
    };
    this.flush();
  }

  /** Records a started process; recording the same one again is a no-op. */
  addChild(proc: TrackedProcess): void {
    if (this.state.children.some((c) => c.pid === proc.pid && c.startTime === proc.startTime)) return;
    this.state.children.push(proc);
    this.flush();
  }

  /** Recorded before the proxy is created, so a crash in between still leaves a record. */
  addProxy(adminUrl: string, name: string, listen?: string): void {
    this.state.proxies.push({ adminUrl, name, ...(listen === undefined ? {} : { listen }) });
    this.flush();
  }

  addContainer(container: ContainerRecord): void {
    this.state.containers = [...(this.state.containers ?? []), container];
    this.flush();
  }

  end(): void {
    this.state.ended = true;
    this.flush();
  }

  private flush(): void {
    writeAtomic(this.file, this.state);
  }
}

export interface Leftover {
  runDir: string;
  state: RunState;
  liveChildren: TrackedProcess[];
}

const readState = (file: string): RunState | null => {
  try {
    const parsed = RunStateSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/**
 * Runs under `outRoot` that did not end and whose owner is gone (killed, crashed): their children, proxies and
 * containers are leftovers. A run whose owner is still alive is running, not left over, and is not touched.
 */
export const findLeftovers = (outRoot: string): Leftover[] => {
  if (!existsSync(outRoot)) return [];
  const found: Leftover[] = [];
  for (const entry of readdirSync(outRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const runDir = join(outRoot, entry.name);
    const state = readState(stateFile(runDir));
    if (!state || state.ended) continue;
    if (isSameProcess(state.owner.pid, state.owner.startTime)) continue; // still running
    const liveChildren = state.children.filter((c) => isSameProcess(c.pid, c.startTime));
    found.push({ runDir, state, liveChildren });
  }
  return found;
};
