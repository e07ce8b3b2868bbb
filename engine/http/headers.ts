/**
 * Response header names in Go's canonical form, as k6 exposes them (`content-type` → `Content-Type`,
 * `x-request-id` → `X-Request-Id`); repeated headers are joined with ", ".
 */
const canonicalCache = new Map<string, string>();

export const canonicalHeaderName = (name: string): string => {
  let c = canonicalCache.get(name);
  if (c !== undefined) return c;
  c = name
    .toLowerCase()
    .split("-")
    .map((w) => (w.length === 0 ? w : w[0]?.toUpperCase() + w.slice(1)))
    .join("-");
  if (canonicalCache.size < 10_000) canonicalCache.set(name, c);
  return c;
};

/**
 * A response's header block (status line, header lines, blank line) as a k6 header object: names in Go's
 * canonical form, values as UTF-8 text, repeated headers joined with ", ".
 */
export const headersFromBlock = (block: Buffer): Record<string, string> => {
  const out: Record<string, string> = {};
  const text = block.toString("utf8");
  let at = text.indexOf("\r\n") + 2;
  while (at > 1 && at < text.length) {
    let end = text.indexOf("\r\n", at);
    if (end < 0) end = text.length;
    const colon = text.indexOf(":", at);
    if (colon > at && colon < end) {
      const name = canonicalHeaderName(text.slice(at, colon).trim());
      const value = text.slice(colon + 1, end).trim();
      const prev = out[name];
      out[name] = prev === undefined ? value : `${prev}, ${value}`;
    }
    at = end + 2;
  }
  return out;
};

/** Go's http.StatusText for the codes a portal answers with; the code alone when unknown. */
const statusTexts: Readonly<Record<number, string>> = {
  100: "Continue",
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** k6's `status_text`: the status line's code and reason, e.g. "200 OK". */
export const statusLine = (status: number, reason: string | undefined): string =>
  `${status} ${reason && reason.length > 0 ? reason : (statusTexts[status] ?? "")}`.trimEnd();
