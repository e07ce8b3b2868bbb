import type { Socket } from "node:net";
import { Client } from "undici";
import type { ConnectTimings, GuardedDialer } from "../net/guarded-dial.js";
import { type Deadline, Deadlines } from "./deadlines.js";
import { classifyError, type RequestError } from "./errors.js";
import { headersFromRaw } from "./headers.js";

/**
 * A VU's connections: at most one kept-alive connection per origin, closed after `idleTimeoutMs` without a
 * request. A request that finds that connection busy (the VU has several requests in flight) gets a
 * connection of its own, closed after its answer. Each connection is an undici Client (one socket, no
 * pipelining) whose only way to open a socket is the run's guarded dialler. Requests are callback-driven
 * objects, not promise chains: one request costs one handler object and no timer.
 */
export interface HttpSettings {
  dialer: GuardedDialer;
  idleTimeoutMs: number;
  noConnectionReuse: boolean;
}

export type ResponseType = "text" | "binary" | "none";

export interface Timings {
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  duration: number;
}

/** Timings of a request that spent no time anywhere yet (or never left): every phase 0. */
export const noTimings = (): Timings => ({
  blocked: 0,
  connecting: 0,
  tls_handshaking: 0,
  sending: 0,
  waiting: 0,
  receiving: 0,
  duration: 0,
});

export interface WireResponse {
  status: number;
  reason: string;
  /** undici's raw header list, turned into k6's header object only if the script looks (`readHeaders`). */
  rawHeaders: Buffer[] | null;
  /** The body's bytes (null for responseType "none" or a failure), decoded only if the script reads it. */
  bodyBytes: Buffer | null;
  remoteIp: string;
  remotePort: number;
  tlsVersion: string;
  error: RequestError | null;
  timings: Timings;
  bytesSent: number;
  bytesReceived: number;
}

/** One request as the connections see it; `done` gets the answer (or the failure) exactly once. */
export interface Exchange {
  method: string;
  url: URL;
  /** `url.origin`, read once. */
  origin: string;
  /** Flat list name, value, name, value … */
  headers: string[];
  body: string | Uint8Array | null;
  timeoutMs: number;
  responseType: ResponseType;
  /** performance.now() when the request was made. */
  startedMs: number;
  done(res: WireResponse): void;
}

/** One per worker thread: every VU's request timeouts. */
const deadlines = new Deadlines(100);

/**
 * Kept connections with no request, oldest first (an intrusive list: no allocation per request). One timer per
 * worker closes the sockets idle longer than their VU's idle timeout; the client stays, and the VU's next
 * request opens a new socket through it. undici's own per-socket idle timers, each closing with an error
 * object, cost more than the sweep.
 */
class IdleConns {
  private head: Conn | null = null;
  private tail: Conn | null = null;
  private timer: NodeJS.Timeout | null = null;

  add(c: Conn, now: number): void {
    c.idleSince = now;
    c.idlePrev = this.tail;
    c.idleNext = null;
    if (this.tail) this.tail.idleNext = c;
    else this.head = c;
    this.tail = c;
    c.idleListed = true;
    if (!this.timer) {
      this.timer = setInterval(this.sweep, 250);
      this.timer.unref();
    }
  }

  remove(c: Conn): void {
    if (!c.idleListed) return;
    if (c.idlePrev) c.idlePrev.idleNext = c.idleNext;
    else this.head = c.idleNext;
    if (c.idleNext) c.idleNext.idlePrev = c.idlePrev;
    else this.tail = c.idlePrev;
    c.idlePrev = null;
    c.idleNext = null;
    c.idleListed = false;
  }

  private readonly sweep = (): void => {
    const now = performance.now();
    // The list is in idle-since order and every connection of a worker has the same idle timeout: stop at
    // the first one still young enough.
    for (let c = this.head; c !== null && now - c.idleSince >= c.idleTimeoutMs; c = this.head) {
      this.remove(c);
      c.socket?.destroy();
      // Dropped, not only destroyed: a VU thinking between requests would otherwise hold the closed socket
      // and its stream states until its next request (measured: most of 22,000 sockets in a heap snapshot).
      c.socket = null;
    }
    if (this.head === null && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  };
}

const idleConns = new IdleConns();

const idempotent = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/**
 * Why the engine closes a connection. One shared error: undici otherwise builds an error with a stack trace
 * per close, which measured at about 100 µs, as much as the close itself.
 */
const closedByEngine = Object.assign(new Error("connection closed by the engine"), {
  code: "ERR_ENGINE_CLOSED",
});

const timeoutError = (): Error => Object.assign(new Error("request timeout"), { code: "ERR_ENGINE_TIMEOUT" });
const interruptedError = (): Error =>
  Object.assign(new Error("iteration interrupted"), { code: "ERR_ENGINE_INTERRUPTED" });

export const ns = (ms: number): number => Math.round(ms * 1e6) / 1e6;

const tlsName = (s: Socket | null): string => {
  const p = (s as { getProtocol?: () => string | null } | null)?.getProtocol?.();
  return p ? p.replace(/^TLSv/, "tls").replace(/^tls1$/, "tls1.0") : "";
};

class Conn {
  readonly client: Client;
  busy = false;
  closed = false;
  socket: Socket | null = null;
  /** Set by the connector when a dispatch opened a new socket. */
  connectTimings: ConnectTimings | null = null;
  timeoutMs = 60_000;
  /** The request on this connection now. */
  flight: Flight | null = null;
  /** The peer's address and port, as dialled (reading them back is a system call per socket). */
  remoteAddress = "";
  remotePort = 0;
  idleSince = 0;
  idlePrev: Conn | null = null;
  idleNext: Conn | null = null;
  idleListed = false;
  readonly idleTimeoutMs: number;

  constructor(
    origin: string,
    readonly kept: boolean,
    settings: HttpSettings,
    private readonly onGone: (c: Conn) => void,
  ) {
    this.idleTimeoutMs = Math.max(1, settings.idleTimeoutMs);
    // undici's idle timer is left far out: the worker's sweep closes idle sockets (and the server may).
    const idle = this.idleTimeoutMs + 60_000;
    this.client = new Client(origin, {
      pipelining: 1,
      keepAliveTimeout: idle,
      keepAliveMaxTimeout: idle,
      keepAliveTimeoutThreshold: 0,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: (opts, cb) => {
        const timings: ConnectTimings = { startMs: 0, connectedMs: 0, tlsMs: 0, address: "" };
        this.connectTimings = timings;
        const https = opts.protocol === "https:";
        settings.dialer
          .connect({
            hostname: opts.hostname,
            port: Number(opts.port) || (https ? 443 : 80),
            tls: https,
            timeoutMs: this.timeoutMs,
            timings,
          })
          .then(
            (socket) => {
              this.socket = socket;
              this.remoteAddress = timings.address;
              this.remotePort = Number(opts.port) || (https ? 443 : 80);
              cb(null, socket);
            },
            (e: Error) => cb(e, null),
          );
      },
    });
    // A kept connection whose socket was closed (idle, or by the server) keeps its client: the next request
    // opens a new socket through it. Making a client per socket churned the old generation when VUs think
    // longer than the idle timeout (every request a new socket).
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    idleConns.remove(this);
    this.onGone(this);
    this.client.destroy(closedByEngine).catch(() => {});
  }
}

/** undici's handler for one dispatch: timing marks and the body, then the exchange's answer. */
class Flight implements Deadline {
  deadlineAt: number;
  prevDeadline: Deadline | null = null;
  nextDeadline: Deadline | null = null;
  dispatchedAt = 0;
  sentAt = 0;
  firstByteAt = 0;
  status = 0;
  reason = "";
  rawHeaders: Buffer[] | null = null;
  chunks: Buffer[] = [];
  written0 = 0;
  read0 = 0;
  settled = false;

  constructor(
    readonly owner: VuConnections,
    readonly conn: Conn,
    readonly x: Exchange,
    readonly reused: boolean,
    readonly mayRetry: boolean,
  ) {
    this.deadlineAt = x.startedMs + x.timeoutMs;
    deadlines.add(this);
  }

  onDeadline(): void {
    this.conn.close();
    this.end(timeoutError());
  }

  onConnect(): void {
    this.dispatchedAt = performance.now();
    const s = this.conn.socket;
    if (s) {
      this.written0 = s.bytesWritten;
      this.read0 = s.bytesRead;
    }
  }
  onRequestSent(): void {
    this.sentAt = performance.now();
  }
  onResponseStarted(): void {
    this.firstByteAt = performance.now();
  }
  onHeaders(code: number, headers: Buffer[], _resume: () => void, text: string): boolean {
    this.status = code;
    this.rawHeaders = headers;
    this.reason = text;
    return true;
  }
  onData(chunk: Buffer): boolean {
    if (this.x.responseType !== "none") this.chunks.push(chunk);
    return true;
  }
  onComplete(): void {
    this.end(null);
  }
  onError(e: Error): void {
    this.end(e);
  }
  onUpgrade(): void {}

  end(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    deadlines.remove(this);
    const conn = this.conn;
    const x = this.x;
    conn.flight = null;
    conn.busy = false;
    const end = performance.now();
    const t = noTimings();
    const ct = conn.connectTimings;
    if (ct !== null && ct.startMs > 0) {
      t.blocked = Math.max(0, ct.startMs - x.startedMs);
      t.connecting = Math.max(0, (ct.connectedMs || end) - ct.startMs);
      t.tls_handshaking = ct.connectedMs > 0 ? Math.max(0, (ct.tlsMs || end) - ct.connectedMs) : 0;
    } else t.blocked = Math.max(0, (this.dispatchedAt || end) - x.startedMs);
    if (this.dispatchedAt > 0) {
      t.sending = Math.max(0, (this.sentAt || end) - this.dispatchedAt);
      if (this.sentAt > 0) t.waiting = Math.max(0, (this.firstByteAt || end) - this.sentAt);
      if (this.firstByteAt > 0) t.receiving = Math.max(0, end - this.firstByteAt);
    }
    t.duration = t.sending + t.waiting + t.receiving;
    // Nanosecond precision, as k6 reports: shorter numbers to print, nothing lost that the clock gave.
    t.blocked = ns(t.blocked);
    t.connecting = ns(t.connecting);
    t.tls_handshaking = ns(t.tls_handshaking);
    t.sending = ns(t.sending);
    t.waiting = ns(t.waiting);
    t.receiving = ns(t.receiving);
    t.duration = ns(t.duration);
    const socket = conn.socket;
    const address = conn.remoteAddress;
    const port = conn.remotePort;
    const error = err
      ? classifyError(err, {
          address: `${address || x.url.hostname}:${port || x.url.port || (x.url.protocol === "https:" ? 443 : 80)}`,
          connected: this.dispatchedAt > 0,
        })
      : null;
    if (err || !conn.kept || this.owner.settings.noConnectionReuse) conn.close();
    else if (conn.socket && !conn.socket.destroyed) idleConns.add(conn, end);
    // A kept connection the server closed while idle fails the next request before any answer; like Go's
    // transport, an idempotent request is sent once more on a new connection.
    if (
      error !== null &&
      this.mayRetry &&
      this.reused &&
      this.firstByteAt === 0 &&
      idempotent.has(x.method) &&
      (error.message === "EOF" || error.code === 1220 || error.code === 1201)
    ) {
      this.owner.send(x, false);
      return;
    }
    let bodyBytes: Buffer | null = null;
    if (!err && x.responseType !== "none")
      bodyBytes = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    x.done({
      status: err ? 0 : this.status,
      reason: err ? "" : this.reason,
      rawHeaders: err ? null : this.rawHeaders,
      bodyBytes,
      remoteIp: address,
      remotePort: port,
      tlsVersion: err ? "" : tlsName(socket),
      error,
      timings: t,
      bytesSent: socket && this.dispatchedAt > 0 ? socket.bytesWritten - this.written0 : 0,
      bytesReceived: socket && this.dispatchedAt > 0 ? socket.bytesRead - this.read0 : 0,
    });
  }
}

/** The k6 header object of a response (an empty one for a failure). */
export const readHeaders = (w: WireResponse): Record<string, string> =>
  w.rawHeaders ? headersFromRaw(w.rawHeaders) : {};

export class VuConnections {
  private readonly kept = new Map<string, Conn>();
  /** Connections opened for one request because the kept one was busy (rare: concurrent requests). */
  private transient: Conn[] = [];

  constructor(readonly settings: HttpSettings) {}

  /** Kept connections open now (for tests and the socket budget). */
  get keptCount(): number {
    return this.kept.size;
  }

  private pick(origin: string): Conn {
    const gone = (c: Conn) => {
      if (this.kept.get(origin) === c) this.kept.delete(origin);
    };
    const existing = this.settings.noConnectionReuse ? undefined : this.kept.get(origin);
    if (existing && !existing.closed && !existing.busy) return existing;
    if (this.settings.noConnectionReuse || (existing && !existing.closed)) {
      const t = new Conn(origin, false, this.settings, (c) => {
        this.transient = this.transient.filter((x) => x !== c);
      });
      this.transient.push(t);
      return t;
    }
    const c = new Conn(origin, true, this.settings, gone);
    this.kept.set(origin, c);
    return c;
  }

  /** Sends one request; its exchange's `done` runs once, with the answer or the failure. */
  send(x: Exchange, mayRetry = true): void {
    const conn = this.pick(x.origin);
    idleConns.remove(conn);
    const reused = conn.socket !== null && !conn.socket.destroyed;
    conn.busy = true;
    conn.connectTimings = null;
    conn.timeoutMs = x.timeoutMs;
    const flight = new Flight(this, conn, x, reused, mayRetry);
    conn.flight = flight;
    conn.client.dispatch(
      {
        path: `${x.url.pathname}${x.url.search}`,
        method: x.method,
        headers: x.headers,
        body: x.body,
        reset: this.settings.noConnectionReuse,
      },
      flight as unknown as Parameters<Client["dispatch"]>[1],
    );
  }

  /** Ends every connection of this VU: interrupted iterations, and the end of the test. */
  closeAll(): void {
    for (const c of [...this.kept.values(), ...this.transient]) {
      const f = c.flight;
      c.close();
      f?.end(interruptedError());
    }
    this.kept.clear();
    this.transient = [];
  }
}
