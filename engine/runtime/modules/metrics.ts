import {
  builtinByName,
  type MetricContains,
  type MetricDef,
  type MetricType,
  validMetricName,
} from "../../metrics/builtin.js";
import { currentIteration } from "../context.js";
import type { RuntimeEnv } from "../env.js";
import { ScriptTagIds } from "../script-tags.js";

/** `k6/metrics`: Counter, Gauge, Rate and Trend, declared in the init context as k6 requires. */
export const createMetricsModule = (env: RuntimeEnv) => {
  const emitter = env.emitter;

  const declare = (type: MetricType, name: unknown, isTime: unknown): { id: number; def: MetricDef } => {
    if (!env.inInit())
      throw new Error(`metric "${String(name)}": metrics must be declared in the init context`);
    if (typeof name !== "string" || !validMetricName(name))
      throw new TypeError(
        `metric name "${String(name)}" is invalid: use letters, digits and underscores, starting with a letter`,
      );
    if (builtinByName.has(name)) throw new TypeError(`metric "${name}" is a built-in metric's name`);
    const existing = emitter.metricByName(name);
    if (existing && existing.type !== type)
      throw new TypeError(`metric "${name}" was already declared as a ${existing.type}`);
    const contains: MetricContains = isTime === true && type === "trend" ? "time" : "default";
    const def: MetricDef = existing ?? { name, type, contains };
    return { id: emitter.metricId(def), def };
  };

  const sampleTags = new ScriptTagIds(env);

  const sample = (id: number, def: MetricDef, value: unknown, tags: unknown): void => {
    let v: number;
    if (def.type === "rate") v = value ? 1 : 0;
    else if (typeof value === "number" && Number.isFinite(value)) v = value;
    else if (typeof value === "boolean") v = value ? 1 : 0;
    else throw new TypeError(`${def.name}.add(${String(value)}): the value must be a number`);
    if (tags !== undefined && tags !== null && typeof tags !== "object")
      throw new TypeError(`${def.name}.add(value, tags): tags must be an object`);
    const ctx = currentIteration();
    const own = tags as Record<string, unknown> | null | undefined;
    emitter.point(id, v, sampleTags.id(sampleTags.key(ctx, own), ctx, own));
  };

  const metricClass = (type: MetricType) =>
    class {
      readonly name: string;
      private readonly id: number;
      private readonly def: MetricDef;
      constructor(name: unknown, isTime?: unknown) {
        const d = declare(type, name, isTime);
        this.id = d.id;
        this.def = d.def;
        this.name = d.def.name;
      }
      add(value: unknown, tags?: unknown): void {
        sample(this.id, this.def, value, tags);
      }
    };

  return {
    Counter: metricClass("counter"),
    Gauge: metricClass("gauge"),
    Rate: metricClass("rate"),
    Trend: metricClass("trend"),
  };
};
