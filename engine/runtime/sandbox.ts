import { type Context, createContext, runInContext, Script } from "node:vm";
import { UnsupportedApiError } from "./errors.js";

/**
 * Runs the bundled script in a V8 context of its own: the JavaScript built-ins, the k6 globals (`__ENV`,
 * `__VU`, `__ITER`, `console`, timers, `open`) and nothing of Node's (`process`, `require`, `Buffer`, `fetch`
 * are not in scope). The k6 modules are handed to the bundle's `require`. The script shares the worker's
 * event loop and microtask queue, so its promises cost what they cost in Node.
 */
export interface SandboxGlobals {
  __ENV: Record<string, string>;
  vuId: () => number;
  iteration: () => number;
  console: Record<string, (...args: unknown[]) => void>;
  timers: Record<string, unknown>;
  open: (path: unknown, mode?: unknown) => string | ArrayBuffer;
}

/** The script's own built-ins, so values handed to it (JSON, binary bodies) belong to its realm. */
export interface Realm {
  context: Context;
  JSON: JSON;
  ArrayBuffer: ArrayBufferConstructor;
}

export const createRealm = (name: string): Realm => {
  const context = createContext({}, { name });
  const intrinsics = runInContext("({ JSON, ArrayBuffer })", context) as {
    JSON: JSON;
    ArrayBuffer: ArrayBufferConstructor;
  };
  return { context, ...intrinsics };
};

/** Copies bytes into an ArrayBuffer of the script's realm (so `body instanceof ArrayBuffer` holds there). */
export const realmBuffer = (realm: Realm | null, bytes: Uint8Array): ArrayBuffer => {
  const out = realm ? new realm.ArrayBuffer(bytes.length) : new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
};

export interface LoadedScript {
  exports: Record<string, unknown>;
  /** Replaces the context's Math.random with a seeded generator (k6's randomSeed). */
  seedRandom(seed: number): void;
}

const passThrough = new Set([
  "__esModule",
  "default",
  "then",
  "toJSON",
  "constructor",
  "valueOf",
  "toString",
]);

/** A module's default object that names what it lacks instead of answering undefined. */
export const strictModule = (moduleName: string, members: Record<string, unknown>): Record<string, unknown> =>
  new Proxy(members, {
    get(target, key, receiver) {
      if (typeof key === "symbol" || key in target || passThrough.has(key))
        return Reflect.get(target, key, receiver);
      throw new UnsupportedApiError(`${moduleName}.${key} is not supported by this engine`);
    },
  });

/** mulberry32, for randomSeed(): k6 seeds Math.random the same way for every VU. */
const seeded = (seed: number): (() => number) => {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const loadScript = (
  realm: Realm,
  cjs: string,
  filename: string,
  globals: SandboxGlobals,
  modules: Readonly<Record<string, Record<string, unknown>>>,
): LoadedScript => {
  const context = realm.context;
  const sandbox = runInContext("globalThis", context) as Record<string, unknown>;
  Object.defineProperty(sandbox, "__ENV", { value: Object.freeze({ ...globals.__ENV }), enumerable: true });
  Object.defineProperty(sandbox, "__VU", { get: globals.vuId, enumerable: true });
  Object.defineProperty(sandbox, "__ITER", { get: globals.iteration, enumerable: true });
  Object.defineProperty(sandbox, "console", {
    value: Object.freeze({ ...globals.console }),
    enumerable: true,
  });
  for (const [k, v] of Object.entries(globals.timers))
    Object.defineProperty(sandbox, k, { value: v, enumerable: true });
  const load = (name: string): unknown => {
    const m = modules[name];
    if (!m) throw new UnsupportedApiError(`module "${name}" is not available to scenario code`);
    return m;
  };
  // The bundle's CommonJS form reaches its k6 imports and its exports through two names of ours, so that
  // `require`, `module` and `exports` are not in the script's scope at all.
  const body = cjs
    .replace(/\bmodule\.exports = __toCommonJS\(/, "__ph_module.exports = __toCommonJS(")
    .replace(/\brequire\("k6/g, '__ph_require("k6');
  const wrapper = new Script(`(function (__ph_module, __ph_require, open) {${body}\n})`, { filename });
  const fn = wrapper.runInContext(context) as (module: unknown, require: unknown, open: unknown) => void;
  const module = { exports: {} as Record<string, unknown> };
  fn.call(undefined, module, load, globals.open);
  const math = runInContext("Math", context) as { random: () => number };
  return {
    exports: module.exports,
    seedRandom: (seed) => {
      math.random = seeded(seed);
    },
  };
};
