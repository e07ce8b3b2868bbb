import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream build). */
const ticksPerS = 100;

const cpuTicks = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
  } catch {
    return null;
  }
};

export type CpuFigure = { value: number } | { value: null; reason: string };

/**
 * Samples one process's CPU time once a second: the load generator's share of all cores, so a run whose load
 * generator was starved or saturated can say so. Bounded by `stop()` and by `maxDurationMs`.
 */
export class ProcessCpuSampler {
  private timer: NodeJS.Timeout | null = null;
  private first: { ticks: number; at: number } | null = null;
  private last: { ticks: number; at: number } | null = null;
  private peak = 0;
  private readonly cores = availableParallelism();

  constructor(
    private readonly pid: number,
    private readonly maxDurationMs: number,
  ) {}

  start(): void {
    const startedAt = performance.now();
    const sample = () => {
      const ticks = cpuTicks(this.pid);
      const at = performance.now();
      if (ticks === null) return;
      if (this.last && at > this.last.at) {
        const share = (ticks - this.last.ticks) / ticksPerS / ((at - this.last.at) / 1000) / this.cores;
        if (share > this.peak) this.peak = share;
      }
      if (!this.first) this.first = { ticks, at };
      this.last = { ticks, at };
      if (at - startedAt > this.maxDurationMs) this.stop();
    };
    sample();
    this.timer = setInterval(sample, 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Mean share of all cores over the sampled span, with the busiest second. */
  result(): { mean: CpuFigure; peak: number | null; cores: number } {
    if (!this.first || !this.last || this.last.at - this.first.at < 1000)
      return {
        mean: { value: null, reason: "the load generator's CPU could not be sampled (/proc not readable)" },
        peak: null,
        cores: this.cores,
      };
    const seconds = (this.last.at - this.first.at) / 1000;
    const mean = (this.last.ticks - this.first.ticks) / ticksPerS / seconds / this.cores;
    return {
      mean: { value: Math.round(mean * 1000) / 1000 },
      peak: Math.round(this.peak * 1000) / 1000,
      cores: this.cores,
    };
  }
}
