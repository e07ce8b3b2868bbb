import { currentIteration } from "../context.js";
import type { RuntimeEnv } from "../env.js";
import { blockingCallError, InterruptedError, UnsupportedApiError } from "../errors.js";
import { type ExpectedStatuses, expectedStatuses, isExpectedStatuses } from "./expected-statuses.js";
import { HttpCall } from "./http-call.js";
import { prepareRequest, type UrlTemplate } from "./http-request.js";
import { RequestTagger } from "./http-tags.js";
import type { Response } from "./response.js";

/**
 * k6/http as this engine offers it: asyncRequest (every request is asynchronous; the blocking calls end the
 * test with a clear error), expectedStatuses, setResponseCallback and url templates.
 */
export const createHttpModule = (env: RuntimeEnv) => {
  const tagger = new RequestTagger(env);

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
    const req = prepareRequest(env, ctx, method, target, body, rawParams);
    if (req instanceof Promise) return req;
    ctx.pending++;
    return new Promise<Response>((resolve, reject) => {
      new HttpCall(env, tagger, ctx, req, resolve, reject).go();
    });
  };

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
