import { httpErrorCode } from "../../http/errors.js";
import { statusLine } from "../../http/headers.js";
import {
  type Exchange,
  type ResponseType,
  readHeaders,
  type WireResponse,
} from "../../http/vu-connections.js";
import { parseDuration } from "../../options/duration.js";
import { currentIteration, type IterationContext, jobDone } from "../context.js";
import { baseTags, type RuntimeEnv } from "../env.js";
import { blockingCallError, InterruptedError, RefusedHostError, UnsupportedApiError } from "../errors.js";
import { tagsJson, tagValue } from "../samples.js";
import { realmBuffer } from "../sandbox.js";
import {
  defaultExpected,
  type ExpectedStatuses,
  expectedStatuses,
  isExpected,
  isExpectedStatuses,
} from "./expected-statuses.js";
import { Response } from "./response.js";

/** `http.url` tagged templates: the URL, and a name that groups every URL of the template. */
interface UrlTemplate {
  kind: "urlTemplate";
  url: string;
  name: string;
}

const supportedParams = new Set([
  "headers",
  "tags",
  "timeout",
  "redirects",
  "responseType",
  "responseCallback",
]);
const knownUnsupportedParams = new Set(["cookies", "jar", "auth", "compression"]);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const defaultTimeoutMs = 60_000;

const urlCache = new Map<string, URL>();
const parseUrl = (text: string): URL | null => {
  let u = urlCache.get(text);
  if (u) return u;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  if (urlCache.size > 5000) urlCache.clear();
  urlCache.set(text, u);
  return u;
};

interface Params {
  headers?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  timeout?: string | number;
  redirects?: number;
  responseType?: ResponseType;
  responseCallback?: ExpectedStatuses | null;
}

const readParams = (raw: unknown): Params => {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object") throw new TypeError("http.asyncRequest: params must be an object");
  for (const k of Object.keys(raw)) {
    if (supportedParams.has(k)) continue;
    if (knownUnsupportedParams.has(k))
      throw new UnsupportedApiError(`http params.${k} is not supported by this engine`);
    throw new UnsupportedApiError(`http params.${k} is not a request parameter this engine knows`);
  }
  return raw as Params;
};

const encodeBody = (body: unknown, headers: Record<string, string>): string | Uint8Array | null => {
  if (body === null || body === undefined) return null;
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === "object") {
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    return Object.entries(body as Record<string, unknown>)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join("&");
  }
  return String(body);
};

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

export const createHttpModule = (env: RuntimeEnv) => {
  const emitter = env.emitter;
  const tagCache = new RequestTagCache();

  /** The request's tag set: test, scenario, VU, group, k6's system tags, then the request's own tags. */
  const requestTags = (
    ctx: IterationContext,
    method: string,
    url: string,
    name: string,
    wire: WireResponse,
    expected: string,
    userTags: Record<string, string> | null,
    userKey: string,
  ): number => {
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
    const cached = tagCache.find(emitter.epoch, cacheKey, probe);
    if (cached !== undefined) return cached;
    const tags = baseTags(env, ctx);
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
    const id = emitter.tagId(tagsJson(tags));
    tagCache.add(cacheKey, { ...probe, id });
    return id;
  };

  /** One call of http.asyncRequest, through its redirects: the exchange the VU's connections answer. */
  class HttpCall implements Exchange {
    url: URL;
    startedMs = 0;
    hop = 0;
    private urlText: string;
    private hopName: string;

    constructor(
      private readonly ctx: IterationContext,
      public method: string,
      url: URL,
      urlText: string,
      name: string,
      readonly headers: string[],
      private readonly headerMap: Record<string, string>,
      public body: string | Uint8Array | null,
      readonly timeoutMs: number,
      readonly responseType: ResponseType,
      private readonly callback: ExpectedStatuses | null,
      private readonly userTags: Record<string, string> | null,
      private readonly userKey: string,
      private readonly maxHops: number,
      private readonly resolve: (r: Response) => void,
      private readonly reject: (e: unknown) => void,
    ) {
      this.url = url;
      this.urlText = urlText;
      this.hopName = name;
    }

    go(): void {
      this.startedMs = performance.now();
      this.ctx.vu.conns.send(this);
    }

    done(wire: WireResponse): void {
      const ctx = this.ctx;
      if (ctx.interrupted) {
        this.settle(null, new InterruptedError());
        return;
      }
      let expected = "";
      let failed = -1;
      if (this.callback !== null) {
        const ok = wire.status > 0 && isExpected(this.callback, wire.status);
        expected = ok ? "true" : "false";
        failed = ok ? 0 : 1;
      }
      if (wire.error?.code === 1111 || wire.error?.code === 1110)
        env.fatal(new RefusedHostError(this.url.hostname, wire.error.message));
      const tagId = requestTags(
        ctx,
        this.method,
        this.urlText,
        this.hopName,
        wire,
        expected,
        this.userTags,
        this.userKey,
      );
      emitter.http(tagId, wire.timings, failed);
      ctx.bytesSent += wire.bytesSent;
      ctx.bytesReceived += wire.bytesReceived;
      const location = redirectStatuses.has(wire.status) ? readHeaders(wire).Location : undefined;
      if (
        !wire.error &&
        redirectStatuses.has(wire.status) &&
        location !== undefined &&
        this.hop < this.maxHops
      ) {
        let next: URL;
        try {
          next = new URL(location, this.url);
        } catch {
          this.settle(this.response(wire), null);
          return;
        }
        if (wire.status === 303 || ((wire.status === 301 || wire.status === 302) && this.method === "POST")) {
          this.method = "GET";
          this.body = null;
        }
        const decision = env.dialer.decide(next.hostname);
        if (!decision.allowed || (next.protocol !== "http:" && next.protocol !== "https:")) {
          // A redirect off the allowlist is refused like any other host: never resolved, never dialled.
          env.fatal(
            new RefusedHostError(
              decision.host,
              decision.allowed ? `scheme ${next.protocol}` : decision.reason,
            ),
          );
          this.settle(this.response(wire), null);
          return;
        }
        this.hop++;
        this.url = next;
        this.urlText = next.toString();
        this.hopName = this.urlText;
        this.go();
        return;
      }
      this.settle(this.response(wire), null);
    }

    private response(wire: WireResponse): Response {
      return new Response(env.realm?.JSON ?? JSON, {
        status: wire.status,
        statusText: wire.status > 0 ? statusLine(wire.status, wire.reason) : "",
        headers: () => readHeaders(wire),
        body: () => {
          const bytes = wire.bodyBytes;
          if (bytes === null) return null;
          return this.responseType === "text" ? bytes.toString("utf8") : realmBuffer(env.realm, bytes);
        },
        url: this.urlText,
        error: wire.error?.message ?? "",
        errorCode: wire.error?.code ?? httpErrorCode(wire.status),
        timings: wire.timings,
        remoteIp: wire.remoteIp,
        remotePort: wire.remotePort,
        tlsVersion: wire.tlsVersion,
        request: {
          method: this.method,
          url: this.urlText,
          headers: requestHeaders(this.headerMap),
          body: typeof this.body === "string" ? this.body : "",
        },
      });
    }

    private settle(r: Response | null, e: unknown): void {
      if (r) this.resolve(r);
      else this.reject(e);
      jobDone(this.ctx);
    }
  }

  const asyncRequest = (
    method: unknown,
    target: unknown,
    body?: unknown,
    rawParams?: unknown,
  ): Promise<Response> => {
    const ctx = currentIteration();
    if (!ctx) {
      return Promise.reject(
        new Error(
          env.inInit()
            ? "making HTTP requests in the init context is not supported; make them in setup() or a VU function"
            : "an HTTP request ran outside any iteration",
        ),
      );
    }
    if (ctx.interrupted) return Promise.reject(new InterruptedError());
    let params: Params;
    try {
      params = readParams(rawParams);
    } catch (e) {
      if (e instanceof UnsupportedApiError) env.fatal(e);
      return Promise.reject(e);
    }
    const m = typeof method === "string" ? method.toUpperCase() : String(method).toUpperCase();
    let urlText: string;
    let name: string;
    if (typeof target === "object" && target !== null && (target as UrlTemplate).kind === "urlTemplate") {
      urlText = (target as UrlTemplate).url;
      name = (target as UrlTemplate).name;
    } else {
      urlText = String(target);
      name = urlText;
    }
    let userTags: Record<string, string> | null = null;
    let userKey = "";
    if (params.tags) {
      userTags = {};
      for (const k in params.tags) {
        const v = tagValue(k, params.tags[k]);
        userTags[k] = v;
        userKey += `${k}\u0002${v}\u0003`;
      }
      if (userTags.name !== undefined) name = userTags.name;
    }
    const headerMap: Record<string, string> = {};
    if (env.userAgent !== "") headerMap["User-Agent"] = env.userAgent;
    if (params.headers) for (const k in params.headers) headerMap[k] = String(params.headers[k]);
    let timeoutMs = defaultTimeoutMs;
    if (params.timeout !== undefined) {
      const t = parseDuration(params.timeout);
      if (t === null || t <= 0)
        return Promise.reject(
          new TypeError(`http params.timeout: ${String(params.timeout)} is not a duration`),
        );
      timeoutMs = t;
    }
    const responseType: ResponseType = params.responseType ?? (env.discardResponseBodies ? "none" : "text");
    if (responseType !== "text" && responseType !== "binary" && responseType !== "none")
      return Promise.reject(
        new TypeError(`http params.responseType: "${responseType}" is not text, binary or none`),
      );
    let callback: ExpectedStatuses | null;
    if (params.responseCallback !== undefined) {
      if (params.responseCallback !== null && !isExpectedStatuses(params.responseCallback))
        return Promise.reject(
          new TypeError("http params.responseCallback must come from http.expectedStatuses()"),
        );
      callback = params.responseCallback;
    } else callback = ctx.vu.responseCallback === undefined ? defaultExpected : ctx.vu.responseCallback;
    let wireBody: string | Uint8Array | null;
    try {
      wireBody = encodeBody(body, headerMap);
    } catch (e) {
      return Promise.reject(e);
    }
    const url = parseUrl(urlText);
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      // k6 answers a malformed URL with error code 1020 rather than throwing.
      return Promise.resolve(errorResponse(m, urlText, 1020, `invalid URL: ${urlText}`, headerMap));
    }
    const decision = env.dialer.decide(url.hostname);
    if (!decision.allowed) {
      env.fatal(new RefusedHostError(decision.host, decision.reason));
      return Promise.resolve(
        errorResponse(
          m,
          urlText,
          /^[0-9.:[\]]+$/.test(decision.host) ? 1110 : 1111,
          decision.reason,
          headerMap,
        ),
      );
    }
    const flat: string[] = [];
    for (const k in headerMap) flat.push(k, headerMap[k] as string);
    const maxHops = params.redirects ?? env.maxRedirects;
    ctx.pending++;
    return new Promise<Response>((resolve, reject) => {
      new HttpCall(
        ctx,
        m,
        url,
        urlText,
        name,
        flat,
        headerMap,
        wireBody,
        timeoutMs,
        responseType,
        callback,
        userTags,
        userKey,
        maxHops,
        resolve,
        reject,
      ).go();
    });
  };

  const errorResponse = (
    method: string,
    url: string,
    code: number,
    message: string,
    headers: Record<string, string>,
  ): Response =>
    new Response(env.realm?.JSON ?? JSON, {
      status: 0,
      statusText: "",
      headers: () => ({}),
      body: () => null,
      url,
      error: message,
      errorCode: code,
      timings: {
        blocked: 0,
        connecting: 0,
        tls_handshaking: 0,
        sending: 0,
        waiting: 0,
        receiving: 0,
        duration: 0,
      },
      remoteIp: "",
      remotePort: 0,
      tlsVersion: "",
      request: { method, url, headers: requestHeaders(headers), body: "" },
    });

  /** A callback set in the init context applies to every VU (each VU runs init in k6). */
  const defaultForNewVus: { value: ExpectedStatuses | null | undefined } = { value: undefined };

  const setResponseCallback = (cb: unknown): void => {
    const ctx = currentIteration();
    if (cb !== null && !isExpectedStatuses(cb))
      throw new TypeError("http.setResponseCallback takes http.expectedStatuses(...) or null");
    if (ctx) ctx.vu.responseCallback = cb;
    else defaultForNewVus.value = cb;
  };

  const url = (strings: TemplateStringsArray, ...values: unknown[]): UrlTemplate => ({
    kind: "urlTemplate",
    url: strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""), ""),
    // k6 names a templated URL by its template, with "${}" where the values were.
    name: strings.join(`$${"{}"}`),
  });

  const refuse = (e: Error): never => {
    env.fatal(e);
    throw e;
  };
  const blocking = (name: string) => () => refuse(blockingCallError(name));
  const unsupported = (name: string) => () =>
    refuse(new UnsupportedApiError(`${name} is not supported by this engine`));

  const api = {
    asyncRequest,
    expectedStatuses,
    setResponseCallback,
    url,
    get: blocking("http.get"),
    head: blocking("http.head"),
    options: blocking("http.options"),
    post: blocking("http.post"),
    put: blocking("http.put"),
    patch: blocking("http.patch"),
    del: blocking("http.del"),
    request: blocking("http.request"),
    batch: blocking("http.batch"),
    file: unsupported("http.file()"),
    cookieJar: unsupported("http.cookieJar()"),
    CookieJar: unsupported("http.CookieJar"),
    TLS_1_0: "tls1.0",
    TLS_1_1: "tls1.1",
    TLS_1_2: "tls1.2",
    TLS_1_3: "tls1.3",
  };
  return { api, defaultForNewVus };
};

const requestHeaders = (headers: Record<string, string>): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = [v];
  return out;
};
