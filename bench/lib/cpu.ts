import { readFileSync } from "node:fs";

/** CPU seconds (user + system) a process has used so far, from /proc; null when it is gone. */
export const cpuSeconds = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15; clock ticks are 100 per second on Linux.
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return null;
  }
};

/** Share of one core each named process used between two samples. */
export const cpuShares = (
  before: Map<string, number | null>,
  after: Map<string, number | null>,
  seconds: number,
): Record<string, number | null> => {
  const out: Record<string, number | null> = {};
  for (const [name, b] of before) {
    const a = after.get(name);
    out[name] =
      a === null || a === undefined || b === null ? null : Math.round(((a - b) / seconds) * 100) / 100;
  }
  return out;
};
