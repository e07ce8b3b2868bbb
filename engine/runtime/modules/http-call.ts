import { httpErrorCode } from "../../http/errors.js";
import { statusLine } from "../../http/headers.js";
import {
  type Exchange,
  type ResponseType,
  readHeaders,
  type WireResponse,
} from "../../http/vu-connections.js";
import { type IterationContext, jobDone } from "../context.js";
import type { RuntimeEnv } from "../env.js";
import { InterruptedError, RefusedHostError } from "../errors.js";
import { realmBuffer } from "../sandbox.js";
import { isExpected } from "./expected-statuses.js";
import { type PreparedRequest, requestHeaders } from "./http-request.js";
import type { RequestTagger } from "./http-tags.js";
import { Response } from "./response.js";

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * One call of http.asyncRequest, through its redirects: the exchange the VU's connections answer. Each
 * answer is tagged and emitted; a redirect to an allowed host is followed up to the hop limit, one to a host
 * off the allowlist ends the test without being dialled.
 */
export class HttpCall implements Exchange {
  method: string;
  url: URL;
  origin: string;
  path: string;
  body: string | Uint8Array | null;
  readonly headers: string[];
  readonly timeoutMs: number;
  readonly responseType: ResponseType;
  startedMs = 0;
  private hop = 0;
  private urlText: string;
  private hopName: string;

  constructor(
    private readonly env: RuntimeEnv,
    private readonly tagger: RequestTagger,
    private readonly ctx: IterationContext,
    private readonly req: PreparedRequest,
    private readonly resolve: (r: Response) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    this.method = req.method;
    this.url = req.url;
    this.origin = req.origin;
    this.path = req.path;
    this.body = req.body;
    this.headers = req.headers;
    this.timeoutMs = req.timeoutMs;
    this.responseType = req.responseType;
    this.urlText = req.urlText;
    this.hopName = req.name;
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
    if (this.req.callback !== null) {
      const ok = wire.status > 0 && isExpected(this.req.callback, wire.status);
      expected = ok ? "true" : "false";
      failed = ok ? 0 : 1;
    }
    if (wire.error?.code === 1111 || wire.error?.code === 1110)
      this.env.fatal(new RefusedHostError(this.url.hostname, wire.error.message));
    const r = this.req;
    const tagId = this.tagger.tagId(
      ctx,
      this.method,
      this.urlText,
      this.hopName,
      wire,
      expected,
      r.userTags,
      r.userKey,
    );
    this.env.emitter.http(tagId, wire.timings, failed, wire.bytesSent + wire.bytesReceived);
    ctx.bytesSent += wire.bytesSent;
    ctx.bytesReceived += wire.bytesReceived;
    if (!wire.error && redirectStatuses.has(wire.status) && this.hop < r.maxHops && this.redirect(wire))
      return;
    this.settle(this.response(wire), null);
  }

  /** Follows a redirect: true when the next hop has been sent. */
  private redirect(wire: WireResponse): boolean {
    const location = readHeaders(wire).Location;
    if (location === undefined) return false;
    let next: URL;
    try {
      next = new URL(location, this.url);
    } catch {
      return false;
    }
    if (wire.status === 303 || ((wire.status === 301 || wire.status === 302) && this.method === "POST")) {
      this.method = "GET";
      this.body = null;
    }
    const decision = this.env.dialer.decide(next.hostname);
    if (!decision.allowed || (next.protocol !== "http:" && next.protocol !== "https:")) {
      // A redirect off the allowlist is refused like any other host: never resolved, never dialled.
      this.env.fatal(
        new RefusedHostError(decision.host, decision.allowed ? `scheme ${next.protocol}` : decision.reason),
      );
      return false;
    }
    this.hop++;
    this.url = next;
    this.origin = next.origin;
    this.path = `${next.pathname}${next.search}`;
    this.urlText = next.toString();
    this.hopName = this.urlText;
    this.go();
    return true;
  }

  private response(wire: WireResponse): Response {
    const env = this.env;
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
        headers: requestHeaders(this.req.headerMap),
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
