import { Toxiproxy } from "toxiproxy-node-client";
import { z } from "zod";
import { sleep } from "../kernel/sleep.js";

/**
 * A robust wrapper around toxiproxy-node-client. The library has no request timeouts, drops error bodies and
 * reads a proxy before every toxic call; toxiproxy's admin API can hang while removing a toxic under load. So
 * every admin call here goes through the library's HTTP layer with a deadline, addresses proxies and toxics by
 * path (one round trip per call, which keeps fault start times tight), is retried where that is safe, and
 * reports toxiproxy's own error text.
 */
export const toxicTypes = [
  "latency",
  "bandwidth",
  "slow_close",
  "timeout",
  "slicer",
  "limit_data",
  "reset_peer",
] as const;

export const ToxicSpec = z.object({
  name: z.string(),
  type: z.enum(toxicTypes),
  stream: z.enum(["upstream", "downstream"]),
  toxicity: z.number(),
  attributes: z.record(z.string(), z.number()),
});
export type ToxicSpec = z.infer<typeof ToxicSpec>;

export const ProxyState = z.object({
  name: z.string(),
  listen: z.string(),
  upstream: z.string(),
  enabled: z.boolean(),
  toxics: z.array(ToxicSpec),
});
export type ProxyState = z.infer<typeof ProxyState>;

export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
}

export interface ToxiproxyClientOptions {
  /** Deadline of one admin call. */
  timeoutMs?: number;
  /** Retries after a failed call that is safe to repeat (network error, timeout, HTTP 5xx). */
  retries?: number;
  /** Deadline of a toxic removal before the proxy is recreated instead. */
  removeTimeoutMs?: number;
}

/** An admin call that failed; `status` is the HTTP status, or null when no answer came (refused, timed out). */
export class ToxiproxyCallError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "ToxiproxyCallError";
  }
}

interface Http {
  get<T>(url: string): Promise<{ data: T }>;
  post<T>(url: string, body?: unknown): Promise<{ data: T }>;
  delete(url: string): Promise<void>;
}

/** The library's HTTP client, given a deadline and toxiproxy's error text. */
const boundedHttp = (lib: Toxiproxy, timeoutMs: number): Http => {
  const api = lib.getApi() as unknown as Http & {
    doFetch: (url: string, init: RequestInit) => Promise<Response>;
  };
  api.doFetch = async (url, init) => {
    const what = `${init.method ?? "GET"} ${new URL(url).pathname}`;
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const err = e as Error;
      const reason = err.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : err.message;
      throw new ToxiproxyCallError(`${what}: ${reason}`, null);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      throw new ToxiproxyCallError(`${what}: HTTP ${res.status} ${text.trim()}`, res.status);
    }
    return res;
  };
  return api;
};

const isMissing = (e: unknown): boolean => e instanceof ToxiproxyCallError && e.status === 404;
const isRetryable = (e: unknown): boolean =>
  !(e instanceof ToxiproxyCallError) || e.status === null || e.status >= 500;

export class ToxiproxyClient {
  readonly adminUrl: string;
  private readonly lib: Toxiproxy;
  private readonly http: Http;
  private readonly removeHttp: Http;
  private readonly retries: number;
  /**
   * What this client set up, per proxy. When removing a toxic hangs, toxiproxy also stops answering reads of
   * that proxy (its lock is held), so recreating it must not depend on reading it back.
   */
  private readonly known = new Map<string, ProxyState>();

  constructor(adminUrl: string, options: ToxiproxyClientOptions = {}) {
    this.adminUrl = adminUrl.replace(/\/$/, "");
    this.retries = options.retries ?? 2;
    this.lib = new Toxiproxy(this.adminUrl);
    this.http = boundedHttp(this.lib, options.timeoutMs ?? 3000);
    this.removeHttp = boundedHttp(new Toxiproxy(this.adminUrl), options.removeTimeoutMs ?? 2000);
  }

  private proxyUrl(name: string): string {
    return `${this.adminUrl}/proxies/${encodeURIComponent(name)}`;
  }

  private toxicUrl(proxy: string, toxic: string): string {
    return `${this.proxyUrl(proxy)}/toxics/${encodeURIComponent(toxic)}`;
  }

  private async retry<T>(what: string, call: () => Promise<T>): Promise<T> {
    let last: unknown;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      try {
        return await call();
      } catch (e) {
        last = e;
        if (!isRetryable(e)) break;
        if (attempt < this.retries) await sleep(50 * 2 ** attempt);
      }
    }
    const err = last as Error;
    throw new ToxiproxyCallError(
      `toxiproxy ${what} failed: ${err.message}`,
      last instanceof ToxiproxyCallError ? last.status : null,
    );
  }

  /** The server's version (2.12 answers JSON, older servers plain text). */
  async version(): Promise<string> {
    const text = await this.retry("version", () => this.lib.getVersion());
    try {
      const parsed = JSON.parse(text) as { version?: unknown };
      if (typeof parsed.version === "string") return parsed.version;
    } catch {
      // plain text
    }
    return text.trim();
  }

  /** Creates a proxy, replacing one of the same name. */
  async createProxy(spec: ProxySpec): Promise<void> {
    await this.retry(`create proxy ${spec.name}`, async () => {
      await this.deleteProxy(spec.name);
      await this.http.post(`${this.adminUrl}/proxies`, { ...spec, enabled: true });
    });
    this.known.set(spec.name, { ...spec, enabled: true, toxics: [] });
  }

  /** Deletes a proxy if it exists; a missing proxy is not an error. Returns whether one was deleted. */
  async deleteProxy(name: string): Promise<boolean> {
    this.known.delete(name);
    try {
      await this.http.delete(this.proxyUrl(name));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  /** The proxy with its toxics, or null when it does not exist. */
  async getProxy(name: string): Promise<ProxyState | null> {
    try {
      const { data } = await this.retry(`read proxy ${name}`, () =>
        this.http.get<unknown>(this.proxyUrl(name)),
      );
      return ProxyState.parse(data);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async listProxies(): Promise<ProxyState[]> {
    const { data } = await this.retry("list proxies", () =>
      this.http.get<Record<string, unknown>>(`${this.adminUrl}/proxies`),
    );
    return Object.values(data).map((p) => ProxyState.parse(p));
  }

  /** Enables or disables a proxy ("down" = disabled: existing connections close, new ones are refused). */
  setEnabled(name: string, enabled: boolean): Promise<void> {
    return this.retry(`${enabled ? "enable" : "disable"} ${name}`, async () => {
      await this.http.post(this.proxyUrl(name), { enabled });
      const known = this.known.get(name);
      if (known) known.enabled = enabled;
    });
  }

  /** Adds a toxic, replacing one of the same name. */
  addToxic(proxy: string, toxic: ToxicSpec): Promise<void> {
    return this.retry(`add toxic ${toxic.name} to ${proxy}`, async () => {
      try {
        await this.http.post(`${this.proxyUrl(proxy)}/toxics`, toxic);
      } catch (e) {
        if (!(e instanceof ToxiproxyCallError && e.status === 409)) throw e;
        await this.removeToxic(proxy, toxic.name);
        await this.http.post(`${this.proxyUrl(proxy)}/toxics`, toxic);
      }
      const known = this.known.get(proxy);
      if (known) known.toxics = [...known.toxics.filter((t) => t.name !== toxic.name), { ...toxic }];
    });
  }

  /** Changes a toxic's attributes (and toxicity) in place: used by faults that change over time. */
  updateToxic(
    proxy: string,
    name: string,
    change: { attributes: Record<string, number>; toxicity?: number },
  ): Promise<void> {
    return this.retry(`update toxic ${name} on ${proxy}`, async () => {
      await this.http.post(this.toxicUrl(proxy, name), change);
      const known = this.known.get(proxy)?.toxics.find((t) => t.name === name);
      if (known) {
        known.attributes = { ...known.attributes, ...change.attributes };
        if (change.toxicity !== undefined) known.toxicity = change.toxicity;
      }
    });
  }

  /**
   * Removes a toxic; a missing toxic is not an error. If the admin call hangs (toxiproxy can block removing a
   * toxic whose connection is stuck), the proxy is deleted and created again with its other toxics and state:
   * deleting a proxy closes its connections and cannot hang on one of them.
   */
  async removeToxic(proxy: string, name: string): Promise<"removed" | "recreated"> {
    const forget = () => {
      const known = this.known.get(proxy);
      if (known) known.toxics = known.toxics.filter((t) => t.name !== name);
    };
    try {
      await this.removeHttp.delete(this.toxicUrl(proxy, name));
      forget();
      return "removed";
    } catch (e) {
      if (isMissing(e)) {
        forget();
        return "removed";
      }
      if (e instanceof ToxiproxyCallError && e.status !== null && e.status < 500) throw e;
    }
    await this.recreateProxy(proxy, (t) => t.name !== name);
    return "recreated";
  }

  /**
   * Deletes and recreates a proxy, keeping its listen address, upstream, enabled state and chosen toxics. Uses
   * what this client set up when it knows the proxy (a hung proxy cannot be read), else reads it.
   */
  async recreateProxy(name: string, keep: (toxic: ToxicSpec) => boolean = () => false): Promise<void> {
    const state = this.known.get(name) ?? (await this.getProxy(name));
    if (!state) throw new ToxiproxyCallError(`toxiproxy recreate proxy ${name}: no such proxy`, 404);
    const { listen, upstream, enabled, toxics } = structuredClone(state);
    await this.createProxy({ name, listen, upstream });
    for (const toxic of toxics.filter(keep)) await this.addToxic(name, toxic);
    if (!enabled) await this.setEnabled(name, false);
  }

  /** Takes every toxic off the named proxies and enables them: the reset of one run on a shared server. */
  async resetProxies(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const state = await this.getProxy(name);
      if (!state) continue;
      for (const toxic of state.toxics) await this.removeToxic(name, toxic.name);
      if (!state.enabled) await this.setEnabled(name, true);
    }
  }

  /** Removes all toxics and enables all proxies of the whole server. */
  async reset(): Promise<void> {
    await this.retry("reset", () => this.http.post(`${this.adminUrl}/reset`));
  }
}
