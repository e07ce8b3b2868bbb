import { AsyncLocalStorage } from "node:async_hooks";
import type { Benchmark, BenchResult } from "./lib/result.js";

/**
 * What carrying the current iteration through async code costs: the engine runs every iteration inside
 * AsyncLocalStorage so `__VU`, `__ITER` and `exec.*` stay right across awaits while many VUs interleave. Here
 * the same promise-heavy iteration (three awaits and a timer turn) runs with and without it, in-process.
 */
const iterations = 200_000;

const iteration = async (): Promise<number> => {
  await null;
  await Promise.resolve(1);
  await new Promise<void>((r) => setImmediate(r));
  return 1;
};

const measure = async (withContext: boolean): Promise<number> => {
  const als = new AsyncLocalStorage<{ vu: number }>();
  const started = process.cpuUsage();
  let n = 0;
  const lanes = Array.from({ length: 100 }, async (_, vu) => {
    while (n < iterations) {
      n++;
      if (withContext) await als.run({ vu }, iteration);
      else await iteration();
    }
  });
  await Promise.all(lanes);
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / iterations;
};

export const engineContext: Benchmark = {
  name: "engine-context",
  description: "CPU cost of AsyncLocalStorage around every iteration",
  async run(say): Promise<BenchResult> {
    await measure(true);
    await measure(false);
    const bare = await measure(false);
    const withAls = await measure(true);
    const costNs = Math.round(withAls - bare);
    say(`per iteration: ${Math.round(bare)} ns bare, ${Math.round(withAls)} ns with AsyncLocalStorage`);
    return {
      name: "engine-context",
      goal: "AsyncLocalStorage costs less than 5 µs per iteration (a tenth of the engine's CPU per request)",
      met: costNs < 5000,
      figures: {
        "iteration without context (ns CPU)": Math.round(bare),
        "iteration with AsyncLocalStorage (ns CPU)": Math.round(withAls),
        "cost of the context per iteration (ns)": costNs,
      },
      notes: [
        `${iterations} iterations on 100 concurrent lanes; each iteration awaits twice on resolved promises and once on a setImmediate turn, the shape of an iteration awaiting a request; measured after one warm-up pass of each.`,
        "Node 20's AsyncLocalStorage runs a promise hook on every promise; Node 22's AsyncContextFrame makes it cheaper.",
      ],
    };
  },
};
