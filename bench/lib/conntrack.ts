import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { sleep } from "../../kernel/sleep.js";

/**
 * Linux's connection tracking keeps every TCP connection, loopback included, for 120 s after it closes. A load
 * that opens thousands of new connections a second (users who think longer than a connection stays open)
 * fills the table (262,144 entries by default here) within a minute, and from then on the kernel drops new
 * connections' packets. A benchmark that needs more room raises the table's size for its own run, as root,
 * and puts it back afterwards; it says so in its notes.
 */
const maxFile = "/proc/sys/net/netfilter/nf_conntrack_max";
const countFile = "/proc/sys/net/netfilter/nf_conntrack_count";
const timeWaitFile = "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait";

const read = (f: string): number | null => {
  try {
    return Number(readFileSync(f, "utf8").trim());
  } catch {
    return null;
  }
};

export interface ConntrackRoom extends AsyncDisposable {
  /** What was done, for the benchmark's notes. */
  note: string;
}

/** Makes room for `newPerS` new connections a second held `seconds`; restores the old size when disposed. */
export const conntrackRoom = (newPerS: number, seconds: number): ConntrackRoom => {
  const max = read(maxFile);
  const count = read(countFile) ?? 0;
  const held = read(timeWaitFile) ?? 120;
  const none = async () => {};
  if (max === null)
    return { note: "connection tracking is not active on this machine", [Symbol.asyncDispose]: none };
  const needed = count + Math.ceil(newPerS * Math.min(seconds + held, seconds + 120) * 1.2);
  if (needed <= max)
    return {
      note: `connection tracking table: ${max} entries, enough for the load`,
      [Symbol.asyncDispose]: none,
    };
  if (process.getuid?.() !== 0 || !existsSync(maxFile))
    return {
      note: `connection tracking table: ${max} entries, fewer than the ${needed} this load needs: new connections will be dropped once it is full (raise net.netfilter.nf_conntrack_max)`,
      [Symbol.asyncDispose]: none,
    };
  writeFileSync(maxFile, String(needed));
  return {
    note: `connection tracking table raised from ${max} to ${needed} entries for this benchmark (each closed connection is tracked for ${held} s), and put back once the entries it left fit the old size`,
    [Symbol.asyncDispose]: async () => {
      // Put back at once, the table would be left full, and the next benchmark's first connections (its
      // toxiproxy's readiness probe) dropped: wait, at most as long as an entry is kept, for room.
      const until = Date.now() + (held + 10) * 1000;
      while ((read(countFile) ?? 0) > max * 0.5 && Date.now() < until) await sleep(1000);
      writeFileSync(maxFile, String(max));
    },
  };
};
