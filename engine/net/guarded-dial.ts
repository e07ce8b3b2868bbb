import { lookup } from "node:dns/promises";
import { isIP, connect as netConnect, type Socket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { type AllowList, decideHost, type HostDecision, isLoopbackAddress } from "./allowlist.js";

/**
 * The one way anything in a run opens a connection: the engine's VUs, the reconciler, the `/metrics` scraper
 * and every probe. A host name is decided against the allowlist before anything else happens; only an
 * allowed name is ever resolved; the socket then connects to the address that was checked, so a name cannot
 * be decided on one address and dialled on another. A refused host is never resolved and never dialled.
 * Tests inject `resolve` and `dial` and read `attempts`.
 */
export type Resolve = (name: string) => Promise<string[]>;
export type Dial = (o: { address: string; port: number }) => Socket;

export interface DialAttempt {
  host: string;
  address: string;
  port: number;
}

export interface DialerOptions {
  allow: AllowList;
  resolve?: Resolve;
  dial?: Dial;
}

/** Refused by the allowlist: never resolved, never dialled. */
export class HostRefusedError extends Error {
  readonly code = "ERR_HOST_REFUSED";
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`refused host ${host}: ${reason}`);
    this.name = "HostRefusedError";
  }
}

/** Marks when a connection's phases ended (performance.now() ms), for the request that opened it. */
export interface ConnectTimings {
  startMs: number;
  connectedMs: number;
  tlsMs: number;
  /** The address that was checked and dialled (read back from the socket would cost a system call). */
  address: string;
}

export interface ConnectRequest {
  hostname: string;
  port: number;
  tls: boolean;
  timeoutMs: number;
  /** Receives the phase times as they happen. */
  timings?: ConnectTimings;
}

const defaultResolve: Resolve = async (name) =>
  (await lookup(name, { all: true, order: "ipv4first" })).map((a) => a.address);

/**
 * Connections to an IPv4 loopback target leave from one of 64 source addresses of 127.0.0.0/8 in turn (as k6's
 * `localIPs` would): one address has about 28,000 ports, and at thousands of new connections a second the
 * closed ones waiting in TIME_WAIT filled them, so the kernel spent longer finding a free port than making the
 * connection.
 */
const loopbackSources = Array.from({ length: 64 }, (_, i) => `127.0.1.${i + 1}`);
let nextSource = 0;

const defaultDial: Dial = ({ address, port }) =>
  netConnect({
    host: address,
    port,
    noDelay: true,
    ...(address.startsWith("127.")
      ? { localAddress: loopbackSources[nextSource++ % loopbackSources.length] }
      : {}),
  });

const errnoError = (code: string, message: string): NodeJS.ErrnoException =>
  Object.assign(new Error(message), { code });

export class GuardedDialer {
  readonly attempts: DialAttempt[] = [];
  private readonly allow: AllowList;
  private readonly resolver: Resolve;
  private readonly dialer: Dial;
  private readonly decisions = new Map<string, HostDecision>();
  private readonly recordAttempts: boolean;

  constructor(o: DialerOptions) {
    this.allow = { hosts: [...o.allow.hosts] };
    this.resolver = o.resolve ?? defaultResolve;
    this.dialer = o.dial ?? defaultDial;
    this.recordAttempts = o.dial !== undefined;
  }

  /** The allowlist's decision on a host name (cached per name). */
  decide(hostname: string): HostDecision {
    let d = this.decisions.get(hostname);
    if (!d) {
      d = decideHost(hostname, this.allow);
      this.decisions.set(hostname, d);
    }
    return d;
  }

  /** Throws HostRefusedError unless the URL's host may be reached. */
  check(url: URL): void {
    const d = this.decide(url.hostname);
    if (!d.allowed) throw new HostRefusedError(d.host, d.reason);
  }

  /** The address to dial for an allowed host: the literal itself, or the allowed name resolved. */
  async address(hostname: string): Promise<string> {
    const d = this.decide(hostname);
    if (!d.allowed) throw new HostRefusedError(d.host, d.reason);
    if (d.kind === "ip") return d.address;
    let found: string[];
    try {
      found = await this.resolver(d.host);
    } catch (e) {
      throw errnoError("ENOTFOUND", `lookup ${d.host}: ${(e as Error).message}`);
    }
    const usable = d.loopbackOnly ? found.filter(isLoopbackAddress) : found;
    const first = usable[0];
    if (first === undefined) {
      if (found.length > 0) throw new HostRefusedError(d.host, `${d.host} did not resolve to loopback`);
      throw errnoError("ENOTFOUND", `lookup ${d.host}: no address found`);
    }
    return first;
  }

  /** Opens a TCP (and, for https, TLS) connection to an allowed host. */
  async connect(r: ConnectRequest): Promise<Socket | TLSSocket> {
    const address = await this.address(r.hostname);
    if (r.timings) {
      r.timings.startMs = performance.now();
      r.timings.address = address;
    }
    if (this.recordAttempts) this.attempts.push({ host: r.hostname, address, port: r.port });
    const socket = this.dialer({ address, port: r.port });
    const deadline = setTimeout(
      () => socket.destroy(errnoError("ETIMEDOUT", `dial ${address}:${r.port}: i/o timeout`)),
      Math.max(1, r.timeoutMs),
    );
    try {
      await new Promise<void>((resolvePromise, reject) => {
        if (!socket.connecting && !socket.destroyed) return resolvePromise();
        socket.once("connect", () => resolvePromise());
        socket.once("error", reject);
      });
      if (r.timings) r.timings.connectedMs = performance.now();
      if (!r.tls) {
        if (r.timings) r.timings.tlsMs = r.timings.connectedMs;
        return socket;
      }
      // SNI carries a name, never an address.
      const servername = isIP(r.hostname.replace(/^\[|\]$/g, "")) === 0 ? r.hostname : "";
      const secure = tlsConnect({
        socket,
        ...(servername ? { servername } : {}),
        ALPNProtocols: ["http/1.1"],
      });
      await new Promise<void>((resolvePromise, reject) => {
        secure.once("secureConnect", () => resolvePromise());
        secure.once("error", reject);
      });
      if (r.timings) r.timings.tlsMs = performance.now();
      return secure;
    } catch (e) {
      socket.destroy();
      throw e;
    } finally {
      clearTimeout(deadline);
    }
  }
}
