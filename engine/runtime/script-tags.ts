import type { IterationContext } from "./context.js";
import { baseTags, type RuntimeEnv } from "./env.js";
import { tagsJson, tagValue } from "./samples.js";

/**
 * Tag ids of the samples a script makes itself (`check`, custom metrics), found by a short key: the
 * iteration's scenario, phase, group and VU tags, then the call's own tags in their order (and a check's
 * name). Copying the base tags, sorting them and hashing their JSON on every call cost more: in a sampling
 * heap profile of the journeys it was about a tenth of the worker's allocations.
 */
export class ScriptTagIds {
  private readonly ids = new Map<string, number>();
  private epoch: number;

  constructor(private readonly env: RuntimeEnv) {
    this.epoch = env.emitter.epoch;
  }

  /** The key of a call's tag set; reading the call's tags checks their values (TypeError naming the tag). */
  key(ctx: IterationContext | undefined, tags: Record<string, unknown> | null | undefined): string {
    let key = ctx
      ? `${ctx.scenario.name}\u0001${ctx.phase}\u0001${ctx.group}\u0001${ctx.vu.tagsVersion === 0 ? "" : tagsJson(ctx.vu.tags)}\u0001`
      : "\u0001";
    if (tags) for (const k in tags) key += `${k}\u0002${tagValue(k, tags[k])}\u0003`;
    return key;
  }

  /** The emitter's tag id for a call's tag set (`key` from `key()`), with `check` for a check's sample. */
  id(
    key: string,
    ctx: IterationContext | undefined,
    tags: Record<string, unknown> | null | undefined,
    check?: string,
  ): number {
    const emitter = this.env.emitter;
    if (this.epoch !== emitter.epoch || this.ids.size > 20_000) this.reset();
    const full = check === undefined ? key : `${key}\u0001${check}`;
    let id = this.ids.get(full);
    if (id === undefined) {
      const base = baseTags(this.env, ctx);
      if (tags) for (const k in tags) base[k] = tagValue(k, tags[k]);
      if (check !== undefined) base.check = check;
      id = emitter.tagId(tagsJson(base));
      // The emitter may have started a new tag table for this set: every id cached before it is stale.
      if (this.epoch !== emitter.epoch) this.reset();
      this.ids.set(full, id);
    }
    return id;
  }

  private reset(): void {
    this.ids.clear();
    this.epoch = this.env.emitter.epoch;
  }
}
