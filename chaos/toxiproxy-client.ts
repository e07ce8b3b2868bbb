import { Toxiproxy, ToxiproxyError } from "toxiproxy-node-client";

/**
 * A robust wrapper around toxiproxy-node-client. The library has no request timeouts and drops error bodies,
 * and toxiproxy's admin API can hang while removing toxics under load, so every admin call here is bounded
 * by a timeout, retried where that is safe, and reports toxiproxy's own error text.
 */
export interface ToxicSpec {
  name: string;
  type: "latency" | "bandwidth" | "slow_close" | "timeout" | "slicer" | "limit_data" | "reset_peer";
  stream: "upstream" | "downstream";
  toxicity: number;
  attributes: Record<string, number>;
}

export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
}

export interface ToxiproxyClientOptions {
  timeoutMs?: number;
  retries?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ToxiproxyClient {
  readonly adminUrl: string;
  private readonly lib: Toxiproxy;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(adminUrl: string, options: ToxiproxyClientOptions = {}) {
    this.adminUrl = adminUrl.replace(/\/$/, "");
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.retries = options.retries ?? 2;
    this.lib = new Toxiproxy(this.adminUrl);
    const timeoutMs = this.timeoutMs;
    // The library sends every call through this one method: give it a deadline and keep error bodies.
    const api = this.lib.getApi() as unknown as {
      doFetch: (url: string, init: RequestInit) => Promise<Response>;
    };
    api.doFetch = async (url, init) => {
      let res: Response;
      try {
        res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        const err = e as Error;
        throw new ToxiproxyError(err.name, `${init.method ?? "GET"} ${url}: ${err.message}`);
      }
      if (!res.ok) {
        const text = await res.text().catch(() => "");
        throw new ToxiproxyError(
          "Error",
          `${init.method ?? "GET"} ${url}: HTTP ${res.status} ${text.trim()}`,
        );
      }
      return res;
    };
  }

  private async retry<T>(what: string, call: () => Promise<T>): Promise<T> {
    let last: unknown;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      try {
        return await call();
      } catch (e) {
        last = e;
        if (attempt < this.retries) await sleep(100 * 2 ** attempt);
      }
    }
    throw new Error(`toxiproxy ${what} failed: ${(last as Error).message}`);
  }

  /** The server's version; toxiproxy 2.12 answers `{"version": "2.12.0"}`, older servers a bare string. */
  async version(): Promise<string> {
    const text = await this.retry("version", () => this.lib.getVersion());
    try {
      const parsed = JSON.parse(text) as { version?: unknown };
      if (typeof parsed.version === "string") return parsed.version;
    } catch {
      // a bare version string
    }
    return text.trim();
  }

  async createProxy(spec: ProxySpec): Promise<void> {
    await this.retry(`create proxy ${spec.name}`, async () => {
      await this.deleteProxy(spec.name);
      await this.lib.createProxy({ ...spec, enabled: true });
    });
  }

  /** Deletes a proxy if it exists; a missing proxy is not an error. */
  async deleteProxy(name: string): Promise<void> {
    try {
      const proxy = await this.lib.get(name);
      await proxy.remove();
    } catch (e) {
      if (!/HTTP 404/.test((e as Error).message)) throw e;
    }
  }

  setEnabled(name: string, enabled: boolean): Promise<void> {
    return this.retry(`${enabled ? "enable" : "disable"} ${name}`, async () => {
      const proxy = await this.lib.get(name);
      await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
    });
  }

  addToxic(proxyName: string, toxic: ToxicSpec): Promise<void> {
    return this.retry(`add toxic ${toxic.name} to ${proxyName}`, async () => {
      const proxy = await this.lib.get(proxyName);
      await this.removeToxicIfPresent(proxyName, toxic.name);
      await proxy.addToxic({ ...toxic } as Parameters<typeof proxy.addToxic>[0]);
    });
  }

  /** Updates a toxic's attributes in place (used by faults that change over time). */
  updateToxic(proxyName: string, toxic: ToxicSpec): Promise<void> {
    return this.retry(`update toxic ${toxic.name} on ${proxyName}`, async () => {
      const proxy = await this.lib.get(proxyName);
      const current = await proxy.getToxic(toxic.name);
      await current.update({ ...toxic } as Parameters<typeof current.update>[0]);
    });
  }

  private async removeToxicIfPresent(proxyName: string, toxicName: string): Promise<void> {
    try {
      const proxy = await this.lib.get(proxyName);
      const toxic = await proxy.getToxic(toxicName);
      await toxic.remove();
    } catch (e) {
      if (!/HTTP 404/.test((e as Error).message)) throw e;
    }
  }

  /**
   * Removes a toxic. If the admin API hangs (it can under heavy load), the proxy is deleted and created again
   * without toxics, which is the only removal that cannot hang on a busy connection.
   */
  async removeToxic(proxyName: string, toxicName: string): Promise<"removed" | "recreated"> {
    try {
      await this.retry(`remove toxic ${toxicName} from ${proxyName}`, () =>
        this.removeToxicIfPresent(proxyName, toxicName),
      );
      return "removed";
    } catch {
      await this.recreateProxy(proxyName);
      return "recreated";
    }
  }

  async recreateProxy(name: string): Promise<void> {
    const proxy = await this.retry(`read proxy ${name}`, () => this.lib.get(name));
    const spec = { name, listen: proxy.listen, upstream: proxy.upstream };
    await this.createProxy(spec);
  }

  async listProxies(): Promise<Array<{ name: string; enabled: boolean; toxics: number }>> {
    // The library's Proxy objects drop the toxics list, so read the admin API's own answer.
    const res = await this.retry("list proxies", () =>
      fetch(`${this.adminUrl}/proxies`, { signal: AbortSignal.timeout(this.timeoutMs) }).then((r) =>
        r.json(),
      ),
    );
    return Object.values(res as Record<string, { name: string; enabled: boolean; toxics?: unknown[] }>).map(
      (p) => ({
        name: p.name,
        enabled: p.enabled,
        toxics: p.toxics?.length ?? 0,
      }),
    );
  }

  /** Removes all toxics and enables all proxies. */
  reset(): Promise<void> {
    return this.retry("reset", () => this.lib.reset());
  }
}
