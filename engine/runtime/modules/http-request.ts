import { noTimings, type ResponseType } from "../../http/vu-connections.js";
import { parseDuration } from "../../options/duration.js";
import type { IterationContext } from "../context.js";
import type { RuntimeEnv } from "../env.js";
import { RefusedHostError, UnsupportedApiError } from "../errors.js";
import { tagValue } from "../samples.js";
import { defaultExpected, type ExpectedStatuses, isExpectedStatuses } from "./expected-statuses.js";
import { Response } from "./response.js";

/** `http.url` tagged templates: the URL, and a name that groups every URL of the template. */
export interface UrlTemplate {
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
const defaultTimeoutMs = 60_000;

/** A parsed URL, its origin and its request target (which `URL`'s getters build anew on every read). */
export interface ParsedUrl {
  url: URL;
  origin: string;
  path: string;
}

const urlCache = new Map<string, ParsedUrl>();
const parseUrl = (text: string): ParsedUrl | null => {
  let u = urlCache.get(text);
  if (u) return u;
  try {
    const url = new URL(text);
    u = { url, origin: url.origin, path: `${url.pathname}${url.search}` };
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

export const requestHeaders = (headers: Record<string, string>): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = [v];
  return out;
};

/** The response of a request that never reached the wire (status 0, an error code). */
const errorResponse = (
  env: RuntimeEnv,
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
    timings: noTimings(),
    remoteIp: "",
    remotePort: 0,
    tlsVersion: "",
    request: { method, url, headers: requestHeaders(headers), body: "" },
  });

/** One http.asyncRequest call, its arguments checked and read. */
export interface PreparedRequest {
  method: string;
  url: URL;
  origin: string;
  path: string;
  urlText: string;
  name: string;
  /** Flat list name, value, name, value … */
  headers: string[];
  headerMap: Record<string, string>;
  body: string | Uint8Array | null;
  timeoutMs: number;
  responseType: ResponseType;
  callback: ExpectedStatuses | null;
  userTags: Record<string, string> | null;
  userKey: string;
  maxHops: number;
}

const noTags = { userTags: null, userKey: "" } as const;

const readUserTags = (
  tags: Record<string, unknown>,
): { userTags: Record<string, string>; userKey: string } => {
  const userTags: Record<string, string> = {};
  let userKey = "";
  for (const k in tags) {
    const v = tagValue(k, tags[k]);
    userTags[k] = v;
    userKey += `${k}\u0002${v}\u0003`;
  }
  return { userTags, userKey };
};

/** The timeout, response type and callback params; a TypeError names the param that is wrong. */
const readOptions = (
  params: Params,
  env: RuntimeEnv,
  ctx: IterationContext,
): Pick<PreparedRequest, "timeoutMs" | "responseType" | "callback"> | TypeError => {
  let timeoutMs = defaultTimeoutMs;
  if (params.timeout !== undefined) {
    const t = parseDuration(params.timeout);
    if (t === null || t <= 0)
      return new TypeError(`http params.timeout: ${String(params.timeout)} is not a duration`);
    timeoutMs = t;
  }
  const responseType: ResponseType = params.responseType ?? (env.discardResponseBodies ? "none" : "text");
  if (responseType !== "text" && responseType !== "binary" && responseType !== "none")
    return new TypeError(`http params.responseType: "${responseType}" is not text, binary or none`);
  let callback: ExpectedStatuses | null;
  if (params.responseCallback !== undefined) {
    if (params.responseCallback !== null && !isExpectedStatuses(params.responseCallback))
      return new TypeError("http params.responseCallback must come from http.expectedStatuses()");
    callback = params.responseCallback;
  } else callback = ctx.vu.responseCallback === undefined ? defaultExpected : ctx.vu.responseCallback;
  return { timeoutMs, responseType, callback };
};

/**
 * Reads one http.asyncRequest call's arguments. A settled promise when the request goes no further: a
 * rejection for a bad argument (an unsupported param also ends the test), a status-0 response for a
 * malformed URL (k6's error 1020) or a host off the allowlist (which ends the test, never dialled).
 */
export const prepareRequest = (
  env: RuntimeEnv,
  ctx: IterationContext,
  method: unknown,
  target: unknown,
  body: unknown,
  rawParams: unknown,
): PreparedRequest | Promise<Response> => {
  let params: Params;
  try {
    params = readParams(rawParams);
  } catch (e) {
    if (e instanceof UnsupportedApiError) env.fatal(e);
    return Promise.reject(e);
  }
  const m = String(method).toUpperCase();
  const template =
    typeof target === "object" && target !== null && (target as UrlTemplate).kind === "urlTemplate";
  const urlText = template ? (target as UrlTemplate).url : String(target);
  let name = template ? (target as UrlTemplate).name : urlText;
  const { userTags, userKey } = params.tags ? readUserTags(params.tags) : noTags;
  if (userTags?.name !== undefined) name = userTags.name;
  const headerMap: Record<string, string> = {};
  if (env.userAgent !== "") headerMap["User-Agent"] = env.userAgent;
  if (params.headers) for (const k in params.headers) headerMap[k] = String(params.headers[k]);
  const options = readOptions(params, env, ctx);
  if (options instanceof TypeError) return Promise.reject(options);
  let wireBody: string | Uint8Array | null;
  try {
    wireBody = encodeBody(body, headerMap);
  } catch (e) {
    return Promise.reject(e);
  }
  const parsed = parseUrl(urlText);
  const url = parsed?.url;
  if (!parsed || !url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    // k6 answers a malformed URL with error code 1020 rather than throwing.
    return Promise.resolve(errorResponse(env, m, urlText, 1020, `invalid URL: ${urlText}`, headerMap));
  }
  const decision = env.dialer.decide(url.hostname);
  if (!decision.allowed) {
    env.fatal(new RefusedHostError(decision.host, decision.reason));
    const code = /^[0-9.:[\]]+$/.test(decision.host) ? 1110 : 1111;
    return Promise.resolve(errorResponse(env, m, urlText, code, decision.reason, headerMap));
  }
  const headers: string[] = [];
  for (const k in headerMap) headers.push(k, headerMap[k] as string);
  return {
    method: m,
    url,
    origin: parsed.origin,
    path: parsed.path,
    urlText,
    name,
    headers,
    headerMap,
    body: wireBody,
    ...options,
    userTags,
    userKey,
    maxHops: params.redirects ?? env.maxRedirects,
  };
};
