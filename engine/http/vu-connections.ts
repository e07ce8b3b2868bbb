import type { Socket } from "node:net";
import type { ConnectTimings, GuardedDialer } from "../net/guarded-dial.js";
import { type Deadline, Deadlines } from "./deadlines.js";
import { classifyError, type RequestError } from "./errors.js";
import { headersFromBlock } from "./headers.js";
import { ResponseParser } from "./response-parser.js";

/**
 * A VU's connections: at most one kept-alive connection per origin, closed after `idleTimeoutMs` without a
 * request. A request that finds that connection busy (the VU has several requests in flight) gets a
 * connection of its own, closed after its answer. Each connection is one socket, opened only through the
 * run's guarded dialler, carrying one HTTP/1.1 request at a time (no pipelining): the request is written in
 * one go and the answer read by `ResponseParser`. Requests are callback-driven objects, not promise chains:
 * one request costs one handler object and no timer.
 *
 * Why not undici's Client, which the engine used first: per request it spent an extra event-loop turn (in
 * 7.30 a reused socket waits a setImmediate before each request is written), referenced and unreferenced the
 * socket, and parsed every header into buffers. Measured on this machine (loopback nginx, 400 connections,
 * 1,000 requests/s, one core): 92–104 µs of CPU per request through undici's Client against 57–64 µs for a
 * socket written and read directly. Bytes a server sends while no request is in flight (what undici's turn
 * waits for) close the connection here as soon as they arrive.
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
  /** The header block as received, turned into k6's header object only if the script looks (`readHeaders`). */
  headerBlock: Buffer | null;
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
  /** The request target: `url.pathname` and `url.search`, read once. */
  path: string;
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
 * worker closes the sockets idle longer than their VU's idle timeout; the connection stays, and the VU's next
 * request opens a new socket through it. A timer per socket cost more than the sweep.
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
      // Dropped, not only destroyed: a VU thinking between requests would otherwise hold the closed socket
      // and its stream states until its next request (measured: most of 22,000 sockets in a heap snapshot).
      c.dropSocket();
    }
    if (this.head === null && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  };
}

const idleConns = new IdleConns();

const idempotent = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
/** Methods whose request carries a body, so an empty one is sent as `content-length: 0`. */
const withPayload = new Set(["POST", "PUT", "PATCH"]);

const timeoutError = (): Error => Object.assign(new Error("request timeout"), { code: "ERR_ENGINE_TIMEOUT" });
const interruptedError = (): Error =>
  Object.assign(new Error("iteration interrupted"), { code: "ERR_ENGINE_INTERRUPTED" });
/** The peer closed the connection before the whole answer came (Go's transport says "EOF"). */
const closedError = (): Error => Object.assign(new Error("EOF"), { code: "ERR_ENGINE_EOF" });

export const ns = (ms: number): number => Math.round(ms * 1e6) / 1e6;

const tlsName = (s: Socket | null): string => {
  const p = (s as { getProtocol?: () => string | null } | null)?.getProtocol?.();
  return p ? p.replace(/^TLSv/, "tls").replace(/^tls1$/, "tls1.0") : "";
};

/** Request header names the connection writes itself (compared only when the length could match). */
const framingHeader = (
  name: string,
): "host" | "content-length" | "transfer-encoding" | "connection" | null => {
  const n = name.length;
  if (n !== 4 && n !== 14 && n !== 17 && n !== 10) return null;
  const l = name.toLowerCase();
  return l === "host" || l === "content-length" || l === "transfer-encoding" || l === "connection" ? l : null;
};

const badHeaderChars = /[\r\n\0]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find bytes above ASCII
const nonAscii = /[^\x00-\x7f]/;

/**
 * The request line and headers of an exchange, ending with the blank line. The connection writes Host,
 * Content-Length and Connection itself; a script's own Host replaces the origin's, its Content-Length and
 * Transfer-Encoding are dropped (the body is sent whole, with its length), and its `Connection: close` is
 * kept. A header with a line break in it is refused: it would split the request.
 */
const requestHead = (x: Exchange, host: string, closeAfter: boolean, bodyLength: number): string => {
  let head = `${x.method} ${x.path} HTTP/1.1\r\n`;
  let ownHost = false;
  let close = closeAfter;
  const h = x.headers;
  for (let i = 0; i + 1 < h.length; i += 2) {
    const name = h[i] as string;
    const value = h[i + 1] as string;
    if (badHeaderChars.test(name) || badHeaderChars.test(value))
      throw Object.assign(
        new Error(`invalid request header ${JSON.stringify(name)}: line breaks are not allowed`),
        {
          code: "ERR_ENGINE_HEADER",
        },
      );
    const framing = framingHeader(name);
    if (framing === "content-length" || framing === "transfer-encoding") continue;
    if (framing === "connection") {
      if (value.toLowerCase().includes("close")) close = true;
      continue;
    }
    if (framing === "host") ownHost = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!ownHost) head += `host: ${host}\r\n`;
  if (bodyLength >= 0) head += `content-length: ${bodyLength}\r\n`;
  if (close) head += "connection: close\r\n";
  return `${head}\r\n`;
};

class Conn {
  busy = false;
  closed = false;
  socket: Socket | null = null;
  /** Set when a request had to open a new socket. */
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
  /** The socket must not carry another request (the answer said so, or it was cut). */
  spent = false;
  readonly idleTimeoutMs: number;
  private readonly parser: ResponseParser;
  private readonly https: boolean;
  private readonly hostname: string;
  private readonly port: number;
  private readonly host: string;

  constructor(
    url: URL,
    readonly kept: boolean,
    private readonly settings: HttpSettings,
    private readonly onGone: (c: Conn) => void,
  ) {
    this.idleTimeoutMs = Math.max(1, settings.idleTimeoutMs);
    this.https = url.protocol === "https:";
    this.hostname = url.hostname;
    this.port = Number(url.port) || (this.https ? 443 : 80);
    this.host = url.host;
    this.parser = new ResponseParser({
      head: (status, reason, block) => this.flight?.onHeaders(status, reason, block),
      body: (chunk) => this.flight?.onData(chunk),
      complete: (keepAlive) => {
        if (!keepAlive) this.spent = true;
        this.flight?.onComplete();
      },
    });
  }

  /** True when the socket may carry the next request. */
  get open(): boolean {
    return this.socket !== null && !this.socket.destroyed && !this.spent;
  }

  /** Sends the flight's request: on the open socket, or on a new one from the guarded dialler. */
  dispatch(f: Flight): void {
    if (this.open) {
      this.write(f);
      return;
    }
    this.dropSocket();
    const timings: ConnectTimings = { startMs: 0, connectedMs: 0, tlsMs: 0, address: "" };
    this.connectTimings = timings;
    this.settings.dialer
      .connect({
        hostname: this.hostname,
        port: this.port,
        tls: this.https,
        timeoutMs: this.timeoutMs,
        timings,
      })
      .then(
        (socket) => {
          if (this.closed || this.flight !== f) {
            socket.destroy();
            return;
          }
          this.attach(socket, timings.address);
          this.write(f);
        },
        (e: Error) => f.onError(e),
      );
  }

  private attach(socket: Socket, address: string): void {
    this.socket = socket;
    this.spent = false;
    this.remoteAddress = address;
    this.remotePort = this.port;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(socket, chunk));
    socket.on("end", () => this.onPeerClosed(socket, null));
    socket.on("error", (e: Error) => this.onPeerClosed(socket, e));
    socket.on("close", () => this.onPeerClosed(socket, null));
  }

  private write(f: Flight): void {
    const x = f.x;
    const socket = this.socket as Socket;
    const body = x.body;
    const length =
      body === null
        ? withPayload.has(x.method)
          ? 0
          : -1
        : typeof body === "string"
          ? Buffer.byteLength(body)
          : body.length;
    let head: string;
    try {
      head = requestHead(x, this.host, this.settings.noConnectionReuse || !this.kept, length);
    } catch (e) {
      f.onError(e as Error);
      return;
    }
    f.onConnect();
    this.parser.expect(x.method);
    // `connection: close` always comes last: this socket carries no other request.
    if (head.endsWith("\r\nconnection: close\r\n\r\n")) this.spent = true;
    // One write per request: a text body joins an ASCII head (UTF-8 and Latin-1 agree there), which spares
    // the stream's corked two-piece writev; header values outside ASCII keep Latin-1, as undici sent them.
    if (body === null || length === 0) socket.write(head, "latin1");
    else if (typeof body === "string" && !nonAscii.test(head)) socket.write(head + body, "utf8");
    else {
      socket.cork();
      socket.write(head, "latin1");
      socket.write(body);
      socket.uncork();
    }
    f.onRequestSent();
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    const f = this.flight;
    if (f === null || !this.parser.busy) {
      // Bytes nobody asked for: the connection is no longer in step with its answers.
      this.dropSocket();
      return;
    }
    if (!this.parser.answered) f.onResponseStarted();
    let extra: number;
    try {
      extra = this.parser.feed(chunk);
    } catch (e) {
      this.dropSocket();
      f.onError(e as Error);
      return;
    }
    if (extra > 0) this.dropSocket();
  }

  /** The peer ended the connection, it failed, or it closed: an answer read until the close ends here. */
  private onPeerClosed(socket: Socket, err: Error | null): void {
    if (socket !== this.socket) return;
    this.socket = null;
    socket.destroy();
    const f = this.flight;
    if (f === null) return;
    if (err === null && this.parser.end()) return;
    if (this.parser.busy) f.onError(err ?? closedError());
  }

  /** Closes the socket; the connection stays, and its next request opens a new one. */
  dropSocket(): void {
    const s = this.socket;
    this.socket = null;
    this.spent = false;
    s?.destroy();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    idleConns.remove(this);
    this.onGone(this);
    this.dropSocket();
  }
}

/** One request on a connection: timing marks and the body, then the exchange's answer. */
class Flight implements Deadline {
  deadlineAt: number;
  prevDeadline: Deadline | null = null;
  nextDeadline: Deadline | null = null;
  dispatchedAt = 0;
  sentAt = 0;
  firstByteAt = 0;
  status = 0;
  reason = "";
  headerBlock: Buffer | null = null;
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
  onHeaders(status: number, reason: string, block: Buffer): void {
    this.status = status;
    this.headerBlock = block;
    this.reason = reason;
  }
  onData(chunk: Buffer): void {
    if (this.x.responseType !== "none") this.chunks.push(chunk);
  }
  onComplete(): void {
    this.end(null);
  }
  onError(e: Error): void {
    this.end(e);
  }

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
    else if (conn.open) idleConns.add(conn, end);
    else conn.dropSocket();
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
      headerBlock: err ? null : this.headerBlock,
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
  w.headerBlock ? headersFromBlock(w.headerBlock) : {};

export class VuConnections {
  private readonly kept = new Map<string, Conn>();
  /** Connections opened for one request because the kept one was busy (rare: concurrent requests). */
  private transient: Conn[] = [];

  constructor(readonly settings: HttpSettings) {}

  /** Kept connections open now (for tests and the socket budget). */
  get keptCount(): number {
    return this.kept.size;
  }

  private pick(x: Exchange): Conn {
    const origin = x.origin;
    const gone = (c: Conn) => {
      if (this.kept.get(origin) === c) this.kept.delete(origin);
    };
    const existing = this.settings.noConnectionReuse ? undefined : this.kept.get(origin);
    if (existing && !existing.closed && !existing.busy) return existing;
    if (this.settings.noConnectionReuse || (existing && !existing.closed)) {
      const t = new Conn(x.url, false, this.settings, (c) => {
        this.transient = this.transient.filter((y) => y !== c);
      });
      this.transient.push(t);
      return t;
    }
    const c = new Conn(x.url, true, this.settings, gone);
    this.kept.set(origin, c);
    return c;
  }

  /** Sends one request; its exchange's `done` runs once, with the answer or the failure. */
  send(x: Exchange, mayRetry = true): void {
    const conn = this.pick(x);
    idleConns.remove(conn);
    const reused = conn.open;
    conn.busy = true;
    conn.connectTimings = null;
    conn.timeoutMs = x.timeoutMs;
    const flight = new Flight(this, conn, x, reused, mayRetry);
    conn.flight = flight;
    conn.dispatch(flight);
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
