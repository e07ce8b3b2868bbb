import { monoNow } from "../../clock/clock.js";
import { currentIteration, type IterationContext } from "../context.js";
import type { RuntimeEnv } from "../env.js";
import { UnsupportedApiError } from "../errors.js";
import { tagValue } from "../samples.js";

/** `k6/execution`: the current VU, scenario, instance and test, read from the running iteration. */
export const createExecutionModule = (env: RuntimeEnv, epochOffset: number) => {
  const inIteration = (what: string): IterationContext => {
    const ctx = currentIteration();
    if (!ctx) throw new Error(`exec.${what} is not available in the init context`);
    return ctx;
  };

  const vuTags = (ctx: IterationContext) =>
    new Proxy(ctx.vu.tags, {
      set(target, key, value) {
        target[String(key)] = tagValue(String(key), value);
        ctx.vu.tagsVersion++;
        return true;
      },
      deleteProperty(target, key) {
        delete target[String(key)];
        ctx.vu.tagsVersion++;
        return true;
      },
    });

  const vu = {
    get idInInstance() {
      return inIteration("vu").vu.idInInstance;
    },
    get idInTest() {
      return inIteration("vu").vu.idInTest;
    },
    get iterationInInstance() {
      return inIteration("vu").vu.iterationInInstance - 1;
    },
    get iterationInScenario() {
      return inIteration("vu").vu.iterationInScenario - 1;
    },
    get tags() {
      return vuTags(inIteration("vu"));
    },
    get metrics() {
      const ctx = inIteration("vu");
      return {
        tags: vuTags(ctx),
        get metadata(): never {
          throw new UnsupportedApiError("exec.vu.metrics.metadata is not supported by this engine");
        },
      };
    },
  };

  const scenario = {
    get name() {
      return inIteration("scenario").scenario.name;
    },
    get executor() {
      return inIteration("scenario").scenario.executor;
    },
    get startTime() {
      return inIteration("scenario").scenario.startTimeMs;
    },
    get progress() {
      return inIteration("scenario").scenario.progress();
    },
    get iterationInInstance() {
      return inIteration("scenario").iterationInInstance;
    },
    get iterationInTest() {
      return inIteration("scenario").iterationInTest;
    },
  };

  const instance = {
    get iterationsInterrupted() {
      return env.instance.iterationsInterrupted();
    },
    get iterationsCompleted() {
      return env.instance.iterationsCompleted();
    },
    get vusActive() {
      return env.instance.vusActive();
    },
    get vusInitialized() {
      return env.instance.vusInitialized();
    },
    get currentTestRunDuration() {
      return Math.max(0, monoNow() + epochOffset - env.testStartMs());
    },
  };

  const test = {
    abort(message?: unknown): never {
      const text = message === undefined ? "test aborted" : String(message);
      env.abortTest(text);
      throw new Error(`test aborted: ${text}`);
    },
    fail(): never {
      const e = new UnsupportedApiError(
        "exec.test.fail() is not supported by this engine: use a threshold, or exec.test.abort() to stop the test",
      );
      env.fatal(e);
      throw e;
    },
    get options() {
      return env.options;
    },
  };

  return { vu, scenario, instance, test };
};
