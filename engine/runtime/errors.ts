/**
 * Errors scenario code can cause that end the whole test rather than one iteration: a k6 call this engine
 * refuses (blocking calls, unsupported modules or options) and a host off the allowlist. Both are the
 * script's fault, exit 2, and are reported once with the name of what was refused.
 */
export class UnsupportedApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedApiError";
  }
}

export class RefusedHostError extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`refused host ${host}: ${reason}`);
    this.name = "RefusedHostError";
  }
}

/** Thrown into code that keeps running after its iteration was interrupted (graceful stop, abort). */
export class InterruptedError extends Error {
  constructor() {
    super("the iteration was interrupted");
    this.name = "InterruptedError";
  }
}

/** `exec.test.abort()`: stops the test; teardown still runs. */
export class TestAbortError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TestAbortError";
  }
}

export const blockingReplacements: Readonly<Record<string, string>> = {
  "http.get": 'await http.asyncRequest("GET", url, null, params)',
  "http.head": 'await http.asyncRequest("HEAD", url, null, params)',
  "http.options": 'await http.asyncRequest("OPTIONS", url, body, params)',
  "http.post": 'await http.asyncRequest("POST", url, body, params)',
  "http.put": 'await http.asyncRequest("PUT", url, body, params)',
  "http.patch": 'await http.asyncRequest("PATCH", url, body, params)',
  "http.del": 'await http.asyncRequest("DELETE", url, body, params)',
  "http.request": "await http.asyncRequest(method, url, body, params)",
  "http.batch": "await Promise.all(requests.map((r) => http.asyncRequest(...r)))",
  sleep: "await new Promise((resolve) => setTimeout(resolve, seconds * 1000)) with setTimeout from k6/timers",
};

/** The error for one of k6's blocking calls, naming its async replacement. */
export const blockingCallError = (name: string): UnsupportedApiError =>
  new UnsupportedApiError(
    `${name}() blocks the VU, and this engine runs many VUs on one event loop: use ${blockingReplacements[name] ?? "the async form"} instead`,
  );
