import { describe, expect, it } from "vitest";
import { headersFromBlock } from "./headers.js";
import { parseHead, ResponseParseError, ResponseParser } from "./response-parser.js";

interface Seen {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
  complete: boolean | null;
}

/** Feeds `wire` to a parser in pieces of `step` bytes; returns what it reported and the bytes left over. */
const read = (wire: string, method = "GET", step = Number.POSITIVE_INFINITY) => {
  const seen: Seen = { status: 0, reason: "", headers: {}, body: "", complete: null };
  const chunks: Buffer[] = [];
  const p = new ResponseParser({
    head: (status, reason, block) => {
      seen.status = status;
      seen.reason = reason;
      seen.headers = headersFromBlock(block);
    },
    body: (c) => chunks.push(Buffer.from(c)),
    complete: (keepAlive) => {
      seen.complete = keepAlive;
    },
  });
  p.expect(method);
  const bytes = Buffer.from(wire, "utf8");
  let extra = 0;
  for (let at = 0; at < bytes.length; at += Math.min(step, bytes.length)) {
    extra += p.feed(bytes.subarray(at, Math.min(bytes.length, at + step)));
  }
  seen.body = Buffer.concat(chunks).toString("utf8");
  return { seen, extra, parser: p };
};

const chunked =
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n" +
  '5;ext=1\r\n{"a":\r\nA\r\n"hồ sơ"\r\n1\r\n}\r\n0\r\nX-Trailer: yes\r\n\r\n';

describe("ResponseParser", () => {
  it("reads a Content-Length body, the header block and the reason, whatever the pieces", () => {
    const wire =
      'HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nX-Id: 7\r\nx-id: 8\r\nContent-Length: 12\r\n\r\n{"ok":"đúng"}';
    for (const step of [1, 2, 7, 1000]) {
      const { seen, extra } = read(
        wire.replace("12", String(Buffer.byteLength('{"ok":"đúng"}'))),
        "POST",
        step,
      );
      expect(seen).toEqual({
        status: 201,
        reason: "Created",
        headers: { "Content-Type": "application/json", "X-Id": "7, 8", "Content-Length": "15" },
        body: '{"ok":"đúng"}',
        complete: true,
      });
      expect(extra).toBe(0);
    }
  });

  it("decodes chunked bodies with extensions and trailers, split at every byte", () => {
    for (const step of [1, 3, 1000]) {
      const { seen } = read(chunked, "GET", step);
      expect(seen.body).toBe('{"a":"hồ sơ"}');
      expect(seen.complete).toBe(true);
    }
  });

  it("skips 1xx interim answers; HEAD, 204 and 304 answers have no body", () => {
    expect(
      read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").seen,
    ).toMatchObject({
      status: 200,
      body: "ok",
      complete: true,
    });
    expect(read("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", "HEAD").seen.complete).toBe(true);
    expect(read("HTTP/1.1 204 No Content\r\n\r\n").seen.complete).toBe(true);
    expect(read("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n").seen.complete).toBe(true);
  });

  it("reads until the close without framing, and says when the connection may not be reused", () => {
    const { seen, parser } = read("HTTP/1.1 200 OK\r\n\r\npart one, ");
    expect(seen.complete).toBeNull();
    expect(parser.end()).toBe(true);
    expect(seen).toMatchObject({ body: "part one, ", complete: false });
    expect(read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").seen.complete).toBe(
      false,
    );
    expect(read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").seen.complete).toBe(false);
    expect(read("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").seen.complete).toBe(
      true,
    );
  });

  it("a body cut short is not whole: end() says so", () => {
    const { seen, parser } = read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    expect(parser.end()).toBe(false);
    expect(seen.complete).toBeNull();
    expect(parser.busy).toBe(true);
  });

  it("returns the bytes that follow a whole answer, which nobody asked for", () => {
    expect(read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n").extra).toBe(17);
  });

  it("refuses malformed answers with a ResponseParseError naming what is wrong", () => {
    expect(() => read("HTTP/2 200 OK\r\n\r\n")).toThrow(/malformed HTTP status line/);
    expect(() => read("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")).toThrow(
      /conflicting Content-Length/,
    );
    expect(() => read("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")).toThrow(/invalid Content-Length/);
    expect(() => read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")).toThrow(
      /invalid chunk size/,
    );
    expect(() => read("HTTP/1.1 200 OK\r\nbad header line\r\n\r\n")).toThrow(ResponseParseError);
    expect(() => read(`HTTP/1.1 200 OK\r\n${"X: y\r\n".repeat(20_000)}`)).toThrow(/header block longer/);
  });

  it("parseHead reads framing headers whatever their case", () => {
    expect(
      parseHead("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: gzip, Chunked\r\nconnection: Keep-Alive, Close"),
    ).toMatchObject({
      status: 200,
      chunked: true,
      close: true,
      keepAlive: true,
    });
  });
});

describe("parseHead's status line", () => {
  it("reads the version, the code and the reason, and refuses anything else", () => {
    expect(parseHead("HTTP/1.1 503 Service Unavailable")).toMatchObject({
      minor: 1,
      status: 503,
      reason: "Service Unavailable",
    });
    expect(parseHead("HTTP/1.0 200")).toMatchObject({ minor: 0, status: 200, reason: "" });
    expect(parseHead("HTTP/1.1 200 \r\nA: b")).toMatchObject({ status: 200, reason: "" });
    for (const bad of [
      "HTTP/1.2 200 OK",
      "HTTP/1.1 20 OK",
      "HTTP/1.1 2x0 OK",
      "HTTP/1.1 200OK",
      "HTTP/1.1  200 OK",
      "HTTX/1.1 200 OK",
      "",
    ])
      expect(() => parseHead(bad), bad).toThrow(/malformed HTTP status line/);
  });
});
