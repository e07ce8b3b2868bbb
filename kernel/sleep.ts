/** Waits `ms` milliseconds: the one sleep of the project's Node code (the scenarios wait through `k6/timers`). */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
