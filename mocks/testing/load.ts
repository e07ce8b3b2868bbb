import { sleep } from "../../kernel/sleep.js";

/**
 * A small open-model load loop for tests: starts `fire(i)` every 1/rate seconds whatever the answers do
 * (a slow portal cannot slow the load down), bounded in count, time and concurrency; a start that would
 * exceed `maxInFlight` is counted as dropped instead of queued.
 */
export interface LoadOptions {
  ratePerS: number;
  durationMs: number;
  maxInFlight?: number;
  fire: (i: number) => Promise<void>;
}

export const runOpenLoad = async (o: LoadOptions): Promise<{ started: number; dropped: number }> => {
  const total = Math.floor((o.ratePerS * o.durationMs) / 1000);
  const limit = o.maxInFlight ?? 1000;
  const running = new Set<Promise<void>>();
  let dropped = 0;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / o.ratePerS;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (running.size >= limit) {
      dropped++;
      continue;
    }
    const p: Promise<void> = o
      .fire(i)
      .catch(() => undefined)
      .finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
  return { started: total - dropped, dropped };
};

export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
};
