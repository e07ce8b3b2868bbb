import { Agent, request } from "undici";
import type { AllowList } from "./allowlist.js";
import { type Dial, GuardedDialer, type Resolve } from "./guarded-dial.js";

/**
 * Plain GETs for the parts of a run that are not VUs — the dossier reconciler, the `/metrics` scraper, probes
 * — through the same guarded dialler as the engine: the host is decided before any lookup, only allowed names
 * are resolved, and the socket goes to the checked address. Redirects are not followed.
 */
export interface GuardedResponse {
  status: number;
  ok: boolean;
  /** A response header's value (the first, when repeated), or undefined. */
  header(name: string): string | undefined;
  text(): Promise<string>;
  json(): Promise<unknown>;
  /** Drops the body unread. */
  discard(): Promise<void>;
}

export interface GuardedRequest {
  method: "GET" | "POST";
  headers?: Readonly<Record<string, string>>;
  body?: string;
  timeoutMs: number;
}

export interface GuardedHttp {
  readonly dialer: GuardedDialer;
  get(url: string, timeoutMs: number): Promise<GuardedResponse>;
  /** Any method, with headers and a small body (the adapter bridge's calls to a vendor API). */
  send(url: string, req: GuardedRequest): Promise<GuardedResponse>;
  close(): Promise<void>;
}

export const guardedHttp = (
  allow: AllowList,
  hooks: { resolve?: Resolve; dial?: Dial } = {},
): GuardedHttp => {
  const dialer = new GuardedDialer({ allow, ...hooks });
  const agent = new Agent({
    keepAliveTimeout: 4000,
    connect: (opts, cb) => {
      const https = opts.protocol === "https:";
      dialer
        .connect({
          hostname: opts.hostname,
          port: Number(opts.port) || (https ? 443 : 80),
          tls: https,
          timeoutMs: 5000,
        })
        .then(
          (socket) => cb(null, socket),
          (e: Error) => cb(e, null),
        );
    },
  });
  return {
    dialer,
    get: (url, timeoutMs) => send(url, { method: "GET", timeoutMs }),
    send,
    close: () => agent.close(),
  };
  async function send(url: string, req: GuardedRequest): Promise<GuardedResponse> {
    const u = new URL(url);
    dialer.check(u);
    const res = await request(u, {
      method: req.method,
      dispatcher: agent,
      signal: AbortSignal.timeout(req.timeoutMs),
      ...(req.headers === undefined ? {} : { headers: { ...req.headers } }),
      ...(req.body === undefined ? {} : { body: req.body }),
    });
    return {
      status: res.statusCode,
      ok: res.statusCode >= 200 && res.statusCode < 300,
      header: (name) => {
        const v = res.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
      text: () => res.body.text(),
      json: () => res.body.json(),
      discard: async () => {
        await res.body.dump();
      },
    };
  }
};

/** Loopback only: what a run against the built-in mock may reach. */
export const loopbackHttp = (): GuardedHttp => guardedHttp({ hosts: [] });
