import { httpErrorCode } from "../../http/errors.js";
import type { WireResponse } from "../../http/vu-connections.js";
import type { IterationContext } from "../context.js";
import { baseTags, type RuntimeEnv } from "../env.js";
import { tagsJson } from "../samples.js";

/**
 * Tag ids of requests, found by URL and then compared field by field: building one long key string per
 * request and hashing it cost more than the comparisons.
 */
interface TagEntry {
  scenario: string;
  phase: string;
  group: string;
  vuKey: string;
  method: string;
  name: string;
  status: number;
  expected: string;
  errorCode: number;
  errorMessage: string;
  tls: string;
  userKey: string;
  id: number;
}

class RequestTagCache {
  private readonly byUrl = new Map<string, TagEntry[]>();
  private epoch = -1;
  private size = 0;

  /** `key` is the URL and the request's own tags: the list under it then holds a few entries at most. */
  find(emitterEpoch: number, key: string, probe: Omit<TagEntry, "id">): number | undefined {
    if (emitterEpoch !== this.epoch) {
      this.byUrl.clear();
      this.size = 0;
      this.epoch = emitterEpoch;
    }
    const list = this.byUrl.get(key);
    if (!list) return undefined;
    for (const e of list)
      if (
        e.status === probe.status &&
        e.name === probe.name &&
        e.method === probe.method &&
        e.group === probe.group &&
        e.scenario === probe.scenario &&
        e.expected === probe.expected &&
        e.userKey === probe.userKey &&
        e.errorCode === probe.errorCode &&
        e.errorMessage === probe.errorMessage &&
        e.vuKey === probe.vuKey &&
        e.phase === probe.phase &&
        e.tls === probe.tls
      )
        return e.id;
    return undefined;
  }

  add(key: string, entry: TagEntry): void {
    if (this.size > 20_000) {
      this.byUrl.clear();
      this.size = 0;
    }
    const list = this.byUrl.get(key);
    if (list) list.push(entry);
    else this.byUrl.set(key, [entry]);
    this.size++;
  }
}

/**
 * The tag set of each request (test, scenario, VU, group, k6's system tags, then the request's own tags) as
 * the emitter's tag id, cached per URL.
 */
export class RequestTagger {
  private readonly cache = new RequestTagCache();

  constructor(private readonly env: RuntimeEnv) {}

  /** Positional arguments: this runs once per request, and an argument object would be one more allocation. */
  tagId(
    ctx: IterationContext,
    method: string,
    url: string,
    name: string,
    wire: WireResponse,
    expected: string,
    userTags: Record<string, string> | null,
    /** The request's own tags as one string ("" for none). */
    userKey: string,
  ): number {
    const errorCode = wire.error ? wire.error.code : httpErrorCode(wire.status);
    const probe = {
      scenario: ctx.scenario.name,
      phase: ctx.phase,
      group: ctx.group,
      vuKey: ctx.vu.tagsVersion === 0 ? "" : tagsJson(ctx.vu.tags),
      method,
      name,
      status: wire.status,
      expected,
      errorCode,
      errorMessage: wire.error?.message ?? "",
      tls: wire.tlsVersion,
      userKey,
    };
    const cacheKey = userKey === "" ? url : `${url}\u0000${userKey}`;
    const cached = this.cache.find(this.env.emitter.epoch, cacheKey, probe);
    if (cached !== undefined) return cached;
    const tags = baseTags(this.env, ctx);
    tags.method = method;
    tags.url = url;
    tags.name = name;
    tags.status = String(wire.status);
    if (wire.status > 0) tags.proto = "HTTP/1.1";
    if (expected !== "") tags.expected_response = expected;
    if (wire.error) tags.error = wire.error.message;
    if (errorCode > 0) tags.error_code = String(errorCode);
    if (wire.tlsVersion !== "") tags.tls_version = wire.tlsVersion;
    if (userTags) Object.assign(tags, userTags);
    const id = this.env.emitter.tagId(tagsJson(tags));
    this.cache.add(cacheKey, { ...probe, id });
    return id;
  }
}
