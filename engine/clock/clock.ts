/**
 * One clock for every thread of the engine and for the harness: the system's monotonic clock (what
 * `process.hrtime` reads, the same in every thread and process of the machine), in milliseconds. Each thread
 * reads it through `performance.now()` plus a fixed offset taken once, so reading it costs no BigInt. Wall
 * time is monotonic time plus an offset the coordinator measures once and hands to every worker, so all
 * timestamps of a run agree to the microsecond whatever the wall clock does meanwhile.
 */
const offset = Number(process.hrtime.bigint()) / 1e6 - performance.now();

export const monoNow = (): number => performance.now() + offset;

/** Epoch ms minus monotonic ms, measured now (the coordinator does this once per run). */
export const measureEpochOffset = (): number => {
  const before = monoNow();
  const wall = Date.now();
  const after = monoNow();
  return wall - (before + after) / 2;
};

/** RFC 3339 UTC with nanoseconds, as k6 writes times: `2026-07-01T01:00:00.123456789Z`. */
export class TimeFormatter {
  private second = Number.NaN;
  private prefix = "";

  format(epochMs: number): string {
    const sec = Math.floor(epochMs / 1000);
    if (sec !== this.second) {
      this.second = sec;
      this.prefix = new Date(sec * 1000).toISOString().slice(0, 19);
    }
    const nanos = Math.min(999_999_999, Math.round((epochMs - sec * 1000) * 1e6));
    return `${this.prefix}.${String(nanos).padStart(9, "0")}Z`;
  }
}
