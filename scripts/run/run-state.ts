import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { isSameProcess, processStartTime, stopRecorded, type TrackedProcess } from "../lib/processes.js";

/**
 * A run's own record of what it started, written before each start, so that a later command can find and
 * stop whatever a crashed or killed run left behind, touching nothing it did not start.
 */
export const RunStateSchema = z.object({
  runId: z.string(),
  owner: z.object({ pid: z.number().int(), startTime: z.number() }),
  startedAt: z.string(),
  ended: z.boolean(),
  children: z.array(z.object({ name: z.string(), pid: z.number().int(), startTime: z.number() })),
  proxies: z.array(z.object({ adminUrl: z.string(), name: z.string() })),
  cleanedBy: z.string().optional(),
});
export type RunState = z.infer<typeof RunStateSchema>;

export const stateFile = (runDir: string): string => join(runDir, "state.json");

const writeAtomic = (file: string, value: unknown): void => {
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

  addChild(proc: TrackedProcess): void {
    this.state.children.push(proc);
    this.flush();
  }

  addProxy(adminUrl: string, name: string): void {
    this.state.proxies.push({ adminUrl, name });
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

/** Runs under `outRoot` that did not end and whose owner is gone: their children and proxies are leftovers. */
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

const deleteProxy = async (adminUrl: string, name: string): Promise<void> => {
  try {
    await fetch(`${adminUrl}/proxies/${encodeURIComponent(name)}`, {
      method: "DELETE",
      signal: AbortSignal.timeout(2000),
    });
  } catch {
    // The toxiproxy server that held it is gone too, which removes the proxy with it.
  }
};

/** Stops every leftover child and removes every leftover proxy; marks the runs as cleaned. */
export const cleanLeftovers = async (leftovers: readonly Leftover[], by: string): Promise<string[]> => {
  const lines: string[] = [];
  for (const left of leftovers) {
    for (const proxy of left.state.proxies) await deleteProxy(proxy.adminUrl, proxy.name);
    for (const child of left.liveChildren) {
      await stopRecorded(child);
      lines.push(`stopped leftover ${child.name} (pid ${child.pid}) of run ${left.state.runId}`);
    }
    if (left.state.proxies.length > 0)
      lines.push(`removed ${left.state.proxies.length} leftover proxies of run ${left.state.runId}`);
    writeAtomic(stateFile(left.runDir), { ...left.state, ended: true, cleanedBy: by });
  }
  return lines;
};
