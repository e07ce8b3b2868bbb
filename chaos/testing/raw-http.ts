import { connect } from "node:net";

export interface RawResult {
  /** Bytes received. */
  bytes: number;
  /** Arrival time (ms after connect started) and size of each chunk read. */
  chunks: Array<{ atMs: number; size: number }>;
  /** When the peer closed (ms), or null. */
  endedAtMs: number | null;
  /** Socket error code (ECONNREFUSED, ECONNRESET, ...), or null. */
  errorCode: string | null;
  errorAtMs: number | null;
  /** True when the client gave up at its deadline. */
  timedOut: boolean;
  /** Total time until the socket closed or the client gave up. */
  totalMs: number;
}

/**
 * One HTTP/1.1 GET over a fresh TCP connection to 127.0.0.1:port, observed at socket level so tests can see
 * truncation, resets, refusals and slow closes that fetch would hide. Bounded by `timeoutMs`. With `keepAlive`
 * the server keeps the connection open after answering, as it would for k6 or a browser.
 */
export const rawGet = (
  port: number,
  timeoutMs = 5000,
  options: { keepAlive?: boolean; path?: string } = {},
): Promise<RawResult> =>
  new Promise((resolvePromise) => {
    const started = performance.now();
    const at = () => performance.now() - started;
    const result: RawResult = {
      bytes: 0,
      chunks: [],
      endedAtMs: null,
      errorCode: null,
      errorAtMs: null,
      timedOut: false,
      totalMs: 0,
    };
    const socket = connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      result.timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on("connect", () => {
      const connection = options.keepAlive ? "keep-alive" : "close";
      socket.write(
        `GET ${options.path ?? "/"} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: ${connection}\r\n\r\n`,
      );
    });
    socket.on("data", (d: Buffer) => {
      result.bytes += d.length;
      result.chunks.push({ atMs: at(), size: d.length });
    });
    socket.on("end", () => {
      result.endedAtMs = at();
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      result.errorCode = e.code ?? e.message;
      result.errorAtMs = at();
    });
    socket.on("close", () => {
      clearTimeout(timer);
      result.totalMs = at();
      resolvePromise(result);
    });
  });

/** Time to the last byte of a complete response, in ms (fails when the response did not complete). */
export const timedGet = async (port: number, timeoutMs = 5000): Promise<number> => {
  const r = await rawGet(port, timeoutMs);
  if (r.errorCode || r.timedOut || r.endedAtMs === null)
    throw new Error(
      `request to ${port} did not complete: ${r.errorCode ?? (r.timedOut ? "timeout" : "no end")}`,
    );
  const last = r.chunks.at(-1);
  return last ? last.atMs : r.endedAtMs;
};

/** `actual` is within `pct` of `expected` or within `absMs`, whichever is larger: the tolerance rule of tests. */
export const within = (actual: number, expected: number, pct: number, abs: number): boolean =>
  Math.abs(actual - expected) <= Math.max(expected * pct, abs);
