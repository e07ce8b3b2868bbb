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

export interface GuardedHttp {
  readonly dialer: GuardedDialer;
  get(url: string, timeoutMs: number): Promise<GuardedResponse>;
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
    async get(url, timeoutMs) {
      const u = new URL(url);
      dialer.check(u);
      const res = await request(u, {
        method: "GET",
        dispatcher: agent,
        signal: AbortSignal.timeout(timeoutMs),
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
    },
    close: () => agent.close(),
  };
};

/** Loopback only: what a run against the built-in mock may reach. */
export const loopbackHttp = (): GuardedHttp => guardedHttp({ hosts: [] });
