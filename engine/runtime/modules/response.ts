import type { Timings } from "../../http/vu-connections.js";
import { UnsupportedApiError } from "../errors.js";

/** k6's Response: the fields and methods of `http.asyncRequest`'s answer (after redirects, the last hop). */
export interface ResponseInit {
  status: number;
  statusText: string;
  /** Made on first read: most scripts never look at most responses' headers or bodies. */
  headers: () => Record<string, string>;
  body: () => string | ArrayBuffer | null;
  url: string;
  error: string;
  errorCode: number;
  timings: Timings;
  remoteIp: string;
  remotePort: number;
  tlsVersion: string;
  request: { method: string; url: string; headers: Record<string, string[]>; body: string };
}

/** A small subset of gjson paths: `a.b`, `items.0.code`, `items.#` (length). */
export const selectPath = (value: unknown, selector: string): unknown => {
  let cur: unknown = value;
  for (const part of selector.split(".")) {
    if (cur === null || cur === undefined) return undefined;
    if (part === "#" && Array.isArray(cur)) {
      cur = cur.length;
      continue;
    }
    cur = (cur as Record<string, unknown>)[Array.isArray(cur) ? Number(part) : part];
  }
  return cur;
};

export class Response {
  readonly status: number;
  readonly status_text: string;
  readonly url: string;
  readonly error: string;
  readonly error_code: number;
  readonly timings: Timings;
  readonly proto: string;
  readonly remote_ip: string;
  readonly remote_port: number;
  readonly tls_version: string;
  readonly tls_cipher_suite: string;
  readonly cookies: Record<string, never>;
  readonly request: ResponseInit["request"];
  #parsed: unknown = undefined;
  #parsedOnce = false;
  #headers: Record<string, string> | null = null;
  #body: string | ArrayBuffer | null | undefined = undefined;
  readonly #makeHeaders: () => Record<string, string>;
  readonly #makeBody: () => string | ArrayBuffer | null;

  readonly #json: JSON;

  constructor(json: JSON, r: ResponseInit) {
    this.#json = json;
    this.status = r.status;
    this.status_text = r.statusText;
    this.#makeHeaders = r.headers;
    this.#makeBody = r.body;
    this.url = r.url;
    this.error = r.error;
    this.error_code = r.errorCode;
    this.timings = r.timings;
    this.proto = r.status > 0 ? "HTTP/1.1" : "";
    this.remote_ip = r.remoteIp;
    this.remote_port = r.remotePort;
    this.tls_version = r.tlsVersion;
    this.tls_cipher_suite = "";
    this.cookies = {};
    this.request = r.request;
  }

  get headers(): Record<string, string> {
    this.#headers ??= this.#makeHeaders();
    return this.#headers;
  }

  get body(): string | ArrayBuffer | null {
    if (this.#body === undefined) this.#body = this.#makeBody();
    return this.#body;
  }

  /** What JSON.stringify(response) shows: every field, headers and body included. */
  toJSON(): Record<string, unknown> {
    return { ...(this as object), headers: this.headers, body: this.body };
  }

  /** Parses the body as JSON (once); with a selector, returns that part. Throws on a body that is not JSON. */
  json(selector?: string): unknown {
    if (!this.#parsedOnce) {
      if (typeof this.body !== "string")
        throw new Error(
          this.body === null ? "the response has no body (responseType none?)" : "the body is binary",
        );
      this.#parsed = this.#json.parse(this.body);
      this.#parsedOnce = true;
    }
    return selector === undefined || selector === "" ? this.#parsed : selectPath(this.#parsed, selector);
  }

  html(): never {
    throw new UnsupportedApiError(
      "Response.html() is not supported by this engine (no HTML parser is built in)",
    );
  }

  clickLink(): never {
    throw new UnsupportedApiError("Response.clickLink() is not supported by this engine");
  }

  submitForm(): never {
    throw new UnsupportedApiError("Response.submitForm() is not supported by this engine");
  }
}
