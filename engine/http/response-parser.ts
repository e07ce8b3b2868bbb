/**
 * HTTP/1.1 responses read from a connection's bytes (RFC 9112): the status line, the header block (kept as
 * bytes, turned into k6's header object only if the script reads it), and the body framed by
 * Transfer-Encoding: chunked, Content-Length or the end of the connection. 1xx interim answers are skipped;
 * a HEAD request and 204/304 answers have no body. One response at a time: the engine does not pipeline.
 */
export interface ResponseEvents {
  head(status: number, reason: string, headerBlock: Buffer): void;
  body(chunk: Buffer): void;
  /** The response is whole; `keepAlive` says whether the connection may carry another request. */
  complete(keepAlive: boolean): void;
}

export class ResponseParseError extends Error {
  readonly code = "ERR_ENGINE_HTTP_PARSE";
}

const State = {
  Idle: 0,
  Head: 1,
  Length: 2,
  ChunkSize: 3,
  ChunkData: 4,
  ChunkEnd: 5,
  Trailers: 6,
  UntilClose: 7,
} as const;
type State = (typeof State)[keyof typeof State];

/** Longest header block or chunk-size line read before the answer is called malformed. */
const maxHeadBytes = 64 * 1024;
const maxLineBytes = 4096;
const crlfcrlf = Buffer.from("\r\n\r\n");

const lower = (s: string, from: number, to: number): string => s.slice(from, to).trim().toLowerCase();

/** The framing a header block asks for (names are compared only when their length could match). */
interface Framing {
  status: number;
  reason: string;
  minor: number;
  contentLength: number;
  chunked: boolean;
  otherCoding: boolean;
  close: boolean;
  keepAlive: boolean;
}

const isDigits = (s: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
};

export const parseHead = (text: string): Framing => {
  const eol = text.indexOf("\r\n");
  const lineEnd = eol < 0 ? text.length : eol;
  // "HTTP/1.x NNN reason", read by position: a regular expression per answer cost its match arrays.
  const minor = text.charCodeAt(7) - 48;
  const status =
    (text.charCodeAt(9) - 48) * 100 + (text.charCodeAt(10) - 48) * 10 + (text.charCodeAt(11) - 48);
  if (
    !text.startsWith("HTTP/1.") ||
    (minor !== 0 && minor !== 1) ||
    text.charCodeAt(8) !== 32 ||
    !(status >= 100 && status <= 999) ||
    !isDigits(text, 9, 12) ||
    (lineEnd > 12 && text.charCodeAt(12) !== 32)
  )
    throw new ResponseParseError(
      `malformed HTTP status line ${JSON.stringify(text.slice(0, Math.min(lineEnd, 64)))}`,
    );
  const f: Framing = {
    status,
    reason: lineEnd > 13 ? text.slice(13, lineEnd) : "",
    minor,
    contentLength: -1,
    chunked: false,
    otherCoding: false,
    close: false,
    keepAlive: false,
  };
  let at = lineEnd + 2;
  while (at < text.length) {
    let end = text.indexOf("\r\n", at);
    if (end < 0) end = text.length;
    const colon = text.indexOf(":", at);
    if (colon < 0 || colon > end) {
      if (end > at)
        throw new ResponseParseError(`malformed HTTP header line ${JSON.stringify(text.slice(at, end))}`);
      at = end + 2;
      continue;
    }
    const nameLength = colon - at;
    if (nameLength === 14 || nameLength === 17 || nameLength === 10) {
      const name = lower(text, at, colon);
      if (name === "content-length") {
        const v = text.slice(colon + 1, end).trim();
        if (!/^\d{1,15}$/.test(v))
          throw new ResponseParseError(`invalid Content-Length ${JSON.stringify(v)}`);
        const n = Number(v);
        if (f.contentLength >= 0 && f.contentLength !== n)
          throw new ResponseParseError("conflicting Content-Length headers");
        f.contentLength = n;
      } else if (name === "transfer-encoding") {
        const codings = lower(text, colon + 1, end).split(",");
        const last = codings[codings.length - 1]?.trim();
        f.chunked = last === "chunked";
        f.otherCoding = !f.chunked;
      } else if (name === "connection") {
        for (const token of lower(text, colon + 1, end).split(",")) {
          const t = token.trim();
          if (t === "close") f.close = true;
          else if (t === "keep-alive") f.keepAlive = true;
        }
      }
    }
    at = end + 2;
  }
  return f;
};

export class ResponseParser {
  private state: State = State.Idle;
  private headRequest = false;
  private pending: Buffer | null = null;
  private remaining = 0;
  private keepAlive = false;
  private started = false;

  constructor(private readonly ev: ResponseEvents) {}

  /** A request was sent: the next bytes are its answer. */
  expect(method: string): void {
    this.state = State.Head;
    this.headRequest = method === "HEAD";
    this.pending = null;
    this.started = false;
  }

  /** True once a request is sent and until its answer is whole. */
  get busy(): boolean {
    return this.state !== State.Idle;
  }

  /** True once any byte of the answer has arrived. */
  get answered(): boolean {
    return this.started;
  }

  /**
   * Reads the next bytes; returns how many bytes followed the end of the answer (bytes nobody asked for:
   * the caller closes the connection). Throws ResponseParseError for a malformed answer.
   */
  feed(chunk: Buffer): number {
    if (this.state === State.Idle) return chunk.length;
    this.started = true;
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let at = 0;
    while (at < buf.length) {
      switch (this.state as State) {
        case State.Idle:
          return buf.length - at;
        case State.Head: {
          const end = buf.indexOf(crlfcrlf, at);
          if (end < 0) return this.keep(buf, at, maxHeadBytes, "header block");
          this.onHead(buf.subarray(at, end + 4));
          at = end + 4;
          break;
        }
        case State.Length:
          at = this.passBody(buf, at);
          if (this.remaining === 0) this.finish();
          break;
        case State.UntilClose:
          this.ev.body(at === 0 ? buf : buf.subarray(at));
          return 0;
        case State.ChunkSize: {
          const end = buf.indexOf("\r\n", at, "latin1");
          if (end < 0) return this.keep(buf, at, maxLineBytes, "chunk size line");
          const line = buf.toString("latin1", at, end);
          const semi = line.indexOf(";");
          const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex))
            throw new ResponseParseError(`invalid chunk size ${JSON.stringify(line.slice(0, 32))}`);
          this.remaining = Number.parseInt(hex, 16);
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          at = end + 2;
          break;
        }
        case State.ChunkData:
          at = this.passBody(buf, at);
          if (this.remaining === 0) this.state = State.ChunkEnd;
          break;
        case State.ChunkEnd: {
          if (buf.length - at < 2) return this.keep(buf, at, 2, "chunk end");
          if (buf[at] !== 0x0d || buf[at + 1] !== 0x0a)
            throw new ResponseParseError("chunk data not followed by CRLF");
          at += 2;
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const end = buf.indexOf("\r\n", at, "latin1");
          if (end < 0) return this.keep(buf, at, maxHeadBytes, "trailer section");
          // Trailer fields are read past; the empty line after them ends the answer.
          const empty = end === at;
          at = end + 2;
          if (empty) this.finish();
          break;
        }
      }
    }
    return 0;
  }

  /**
   * The connection ended (the peer closed it). True when that ends the answer (a body read until the close);
   * false when the answer was cut short, or none was expected.
   */
  end(): boolean {
    if (this.state !== State.UntilClose) return false;
    this.state = State.Idle;
    this.ev.complete(false);
    return true;
  }

  /** Passes on up to `remaining` body bytes from `at`; returns where reading goes on. */
  private passBody(buf: Buffer, at: number): number {
    const n = Math.min(this.remaining, buf.length - at);
    this.ev.body(buf.subarray(at, at + n));
    this.remaining -= n;
    return at + n;
  }

  private keep(buf: Buffer, at: number, max: number, what: string): number {
    if (buf.length - at > max) throw new ResponseParseError(`${what} longer than ${max} bytes`);
    this.pending = Buffer.from(buf.subarray(at));
    return 0;
  }

  private onHead(block: Buffer): void {
    const f = parseHead(block.toString("latin1", 0, block.length - 4));
    // An interim answer (100 Continue, 103 Early Hints): the real one follows.
    if (f.status >= 100 && f.status < 200 && f.status !== 101) return;
    this.keepAlive = f.minor === 1 ? !f.close : f.keepAlive && !f.close;
    this.ev.head(f.status, f.reason, block);
    if (this.headRequest || f.status === 204 || f.status === 304 || f.status === 101) {
      if (f.status === 101) this.keepAlive = false;
      this.finish();
    } else if (f.chunked) this.state = State.ChunkSize;
    else if (f.otherCoding || f.contentLength < 0) {
      this.keepAlive = false;
      this.state = State.UntilClose;
    } else if (f.contentLength === 0) this.finish();
    else {
      this.remaining = f.contentLength;
      this.state = State.Length;
    }
  }

  private finish(): void {
    this.state = State.Idle;
    this.ev.complete(this.keepAlive);
  }
}
