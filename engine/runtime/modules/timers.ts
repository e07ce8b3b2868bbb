import { currentIteration, type IterationContext, jobDone } from "../context.js";

/**
 * `k6/timers` (also global, as in k6): setTimeout, clearTimeout, setInterval, clearInterval with numeric ids.
 * A timer belongs to the iteration that set it: the iteration is not over while it is pending, and it never
 * fires into an iteration that was interrupted.
 */
export const createTimersModule = (onError: (e: unknown, ctx: IterationContext | undefined) => void) => {
  let nextId = 1;
  const live = new Map<
    number,
    { handle: NodeJS.Timeout; ctx: IterationContext | undefined; repeat: boolean }
  >();

  const run = (fn: unknown, args: unknown[], ctx: IterationContext | undefined): void => {
    if (ctx?.interrupted) return;
    try {
      if (typeof fn === "function") fn(...args);
    } catch (e) {
      onError(e, ctx);
    }
  };

  const setTimeoutK6 = (fn: unknown, ms?: unknown, ...args: unknown[]): number => {
    if (typeof fn !== "function") throw new TypeError("setTimeout: the callback must be a function");
    const ctx = currentIteration();
    const id = nextId++;
    if (ctx) ctx.pending++;
    const handle = setTimeout(
      () => {
        live.delete(id);
        run(fn, args, ctx);
        if (ctx) jobDone(ctx);
      },
      Math.max(0, Number(ms) || 0),
    );
    live.set(id, { handle, ctx, repeat: false });
    return id;
  };

  const setIntervalK6 = (fn: unknown, ms?: unknown, ...args: unknown[]): number => {
    if (typeof fn !== "function") throw new TypeError("setInterval: the callback must be a function");
    const ctx = currentIteration();
    const id = nextId++;
    if (ctx) ctx.pending++;
    const handle = setInterval(() => run(fn, args, ctx), Math.max(1, Number(ms) || 0));
    live.set(id, { handle, ctx, repeat: true });
    return id;
  };

  const clear = (id: unknown): void => {
    const t = live.get(Number(id));
    if (!t) return;
    live.delete(Number(id));
    if (t.repeat) clearInterval(t.handle);
    else clearTimeout(t.handle);
    if (t.ctx) jobDone(t.ctx);
  };

  /** Drops the timers of an interrupted iteration. */
  const clearFor = (ctx: IterationContext): void => {
    for (const [id, t] of live)
      if (t.ctx === ctx) {
        live.delete(id);
        if (t.repeat) clearInterval(t.handle);
        else clearTimeout(t.handle);
      }
  };

  return {
    api: { setTimeout: setTimeoutK6, clearTimeout: clear, setInterval: setIntervalK6, clearInterval: clear },
    clearFor,
    pending: () => live.size,
  };
};
