import { builtinMetrics } from "../../metrics/builtin.js";
import { currentIteration } from "../context.js";
import { baseTags, type RuntimeEnv } from "../env.js";
import { blockingCallError, UnsupportedApiError } from "../errors.js";
import { tagsJson } from "../samples.js";
import { ScriptTagIds } from "../script-tags.js";

/** The `k6` module: check, group (synchronous functions only), fail, randomSeed; sleep is refused. */
export const createK6Module = (env: RuntimeEnv, seedRandom: (seed: number) => void) => {
  const emitter = env.emitter;
  const checksId = emitter.metricId(builtinMetrics.checks);
  const groupDurationId = emitter.metricId(builtinMetrics.groupDuration);

  const checkTags = new ScriptTagIds(env);

  const check = (value: unknown, sets: unknown, tags?: unknown): boolean => {
    if (typeof sets !== "object" || sets === null)
      throw new TypeError("check(value, sets): sets must be an object");
    if (tags !== undefined && tags !== null && typeof tags !== "object")
      throw new TypeError("check(value, sets, tags): tags must be an object");
    const ctx = currentIteration();
    const own = tags as Record<string, unknown> | null | undefined;
    const key = checkTags.key(ctx, own);
    let all = true;
    for (const [name, fn] of Object.entries(sets as Record<string, unknown>)) {
      const ok = typeof fn === "function" ? Boolean(fn(value)) : Boolean(fn);
      emitter.point(checksId, ok ? 1 : 0, checkTags.id(key, ctx, own, name));
      if (!ok) all = false;
    }
    return all;
  };

  const group = <T>(name: unknown, fn: unknown): T => {
    if (typeof name !== "string" || name === "")
      throw new TypeError("group(name, fn): name must be a non-empty string");
    if (name.includes("::")) throw new TypeError('group(name, fn): a group name cannot contain "::"');
    if (typeof fn !== "function") throw new TypeError("group(name, fn): fn must be a function");
    if (fn.constructor?.name === "AsyncFunction") {
      const e = new UnsupportedApiError(
        `group("${name}", async fn): k6's group() refuses async functions, and so does this engine; tag the steps instead (params.tags)`,
      );
      env.fatal(e);
      throw e;
    }
    const ctx = currentIteration();
    if (!ctx) return (fn as () => T)();
    const outer = ctx.group;
    ctx.group = `${outer}::${name}`;
    const started = performance.now();
    try {
      return (fn as () => T)();
    } finally {
      const tags = baseTags(env, ctx);
      emitter.point(groupDurationId, performance.now() - started, emitter.tagId(tagsJson(tags)));
      ctx.group = outer;
    }
  };

  const fail = (message?: unknown): never => {
    throw new Error(message === undefined ? "fail() called" : String(message));
  };

  const sleep = (): never => {
    const e = blockingCallError("sleep");
    env.fatal(e);
    throw e;
  };

  const randomSeed = (seed: unknown): void => {
    if (typeof seed !== "number" || !Number.isFinite(seed))
      throw new TypeError("randomSeed(seed): seed must be a number");
    seedRandom(seed);
  };

  return { check, group, fail, sleep, randomSeed };
};
