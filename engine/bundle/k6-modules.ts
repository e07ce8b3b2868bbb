/**
 * The k6 modules scenario code may import, with the names each exports. Every other `k6/…` module is refused
 * by name when the script is bundled, and so is a named import of a k6 function that blocks.
 */
export const supportedModules: Readonly<Record<string, readonly string[]>> = {
  k6: ["default", "check", "group", "fail", "sleep", "randomSeed"],
  "k6/http": [
    "default",
    "asyncRequest",
    "expectedStatuses",
    "setResponseCallback",
    "url",
    "get",
    "head",
    "options",
    "post",
    "put",
    "patch",
    "del",
    "request",
    "batch",
    "file",
    "cookieJar",
    "CookieJar",
    "TLS_1_0",
    "TLS_1_1",
    "TLS_1_2",
    "TLS_1_3",
  ],
  "k6/metrics": ["default", "Counter", "Gauge", "Rate", "Trend"],
  "k6/execution": ["default"],
  "k6/timers": ["default", "setTimeout", "clearTimeout", "setInterval", "clearInterval"],
};

/** k6 functions that block a VU, by module, with the async replacement's key in blockingReplacements. */
export const blockingExports: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  k6: { sleep: "sleep" },
  "k6/http": {
    get: "http.get",
    head: "http.head",
    options: "http.options",
    post: "http.post",
    put: "http.put",
    patch: "http.patch",
    del: "http.del",
    request: "http.request",
    batch: "http.batch",
  },
};
