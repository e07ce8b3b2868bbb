import { httpErrorCode } from "../../http/errors.js";
import type { WireResponse } from "../../http/vu-connections.js";
import type { IterationContext } from "../context.js";
import { baseTags, type RuntimeEnv } from "../env.js";
import { tagsJson } from "../samples.js";

/**
 * Tag ids of requests, found by URL and then compared field by field: building one long key string per
 * request and hashing it cost more than the comparisons. Entries are one class, so the comparisons stay
 * monomorphic (entries made by object spread each had their own shape, and every lookup missed V8's caches).
 */
class TagEntry {
  scenario = "";
  phase = "";
  group = "";
  vuKey = "";
  method = "";
  name = "";
  status = 0;
  expected = "";
  errorCode = 0;
  errorMessage = "";
  tls = "";
  userKey = "";
  id = -1;

  same(o: TagEntry): boolean {
    return (
      this.status === o.status &&
      this.name === o.name &&
      this.method === o.method &&
      this.group === o.group &&
      this.scenario === o.scenario &&
      this.expected === o.expected &&
      this.userKey === o.userKey &&
      this.errorCode === o.errorCode &&
      this.errorMessage === o.errorMessage &&
      this.vuKey === o.vuKey &&
      this.phase === o.phase &&
      this.tls === o.tls
    );
  }

  copy(id: number): TagEntry {
    const e = new TagEntry();
    e.scenario = this.scenario;
    e.phase = this.phase;
    e.group = this.group;
    e.vuKey = this.vuKey;
    e.method = this.method;
    e.name = this.name;
    e.status = this.status;
    e.expected = this.expected;
    e.errorCode = this.errorCode;
    e.errorMessage = this.errorMessage;
    e.tls = this.tls;
    e.userKey = this.userKey;
    e.id = id;
    return e;
  }
}

class RequestTagCache {
  private readonly byUrl = new Map<string, TagEntry[]>();
  private epoch = -1;
  private size = 0;

  /** `key` is the URL: the list under it holds a few entries at most (statuses, the request's own tags). */
  find(emitterEpoch: number, key: string, probe: TagEntry): number | undefined {
    if (emitterEpoch !== this.epoch) {
      this.byUrl.clear();
      this.size = 0;
      this.epoch = emitterEpoch;
    }
    const list = this.byUrl.get(key);
    if (!list) return undefined;
    for (const e of list) if (e.same(probe)) return e.id;
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
  /** The request being looked up (one object reused: this runs once per request). */
  private readonly probe = new TagEntry();

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
    const probe = this.probe;
    probe.scenario = ctx.scenario.name;
    probe.phase = ctx.phase;
    probe.group = ctx.group;
    probe.vuKey = ctx.vu.tagsVersion === 0 ? "" : tagsJson(ctx.vu.tags);
    probe.method = method;
    probe.name = name;
    probe.status = wire.status;
    probe.expected = expected;
    probe.errorCode = errorCode;
    probe.errorMessage = wire.error?.message ?? "";
    probe.tls = wire.tlsVersion;
    probe.userKey = userKey;
    // Keyed by the URL alone (the entries compare the request's own tags): the URL string is the one the
    // request was parsed from, whose hash V8 has already computed; a joined key would be hashed anew.
    const cached = this.cache.find(this.env.emitter.epoch, url, probe);
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
    this.cache.add(url, probe.copy(id));
    return id;
  }
}
