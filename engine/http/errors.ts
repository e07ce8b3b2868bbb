import { HostRefusedError } from "../net/guarded-dial.js";

/**
 * k6's error codes (grafana.com/docs/k6/latest/javascript-api/error-codes) for what can go wrong below HTTP,
 * and 1000 + status for HTTP 4xx and 5xx answers. Messages follow the shape of k6's (Go's) error texts.
 */
export interface RequestError {
  code: number;
  message: string;
}

export const errorCodes = {
  generic: 1000,
  invalidUrl: 1020,
  timeout: 1050,
  dnsGeneric: 1100,
  noIp: 1101,
  blockedIp: 1110,
  blockedHost: 1111,
  tcpGeneric: 1200,
  brokenPipe: 1201,
  dialGeneric: 1210,
  dialTimeout: 1211,
  dialRefused: 1212,
  resetByPeer: 1220,
  tlsGeneric: 1300,
  tlsUnknownAuthority: 1310,
  tlsHostMismatch: 1311,
  decompression: 1701,
} as const;

const unknownAuthority = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
]);

/** Maps an error from dialling or from a VU's connection to k6's code and a k6-shaped message. */
export const classifyError = (e: unknown, where: { address: string; connected: boolean }): RequestError => {
  if (e instanceof HostRefusedError) {
    return /^\[?[0-9a-f.:]+\]?$/i.test(e.host)
      ? { code: errorCodes.blockedIp, message: `IP (${e.host}) is in a blacklisted range: ${e.reason}` }
      : {
          code: errorCodes.blockedHost,
          message: `hostname (${e.host}) is in a blocked pattern: ${e.reason}`,
        };
  }
  const err = e as NodeJS.ErrnoException & { cause?: unknown };
  const code = err?.code ?? "";
  const msg = err?.message ?? String(e);
  const dial = `dial tcp ${where.address}`;
  switch (code) {
    case "ERR_ENGINE_TIMEOUT":
      return { code: errorCodes.timeout, message: "request timeout" };
    case "ECONNREFUSED":
      return { code: errorCodes.dialRefused, message: `${dial}: connect: connection refused` };
    case "ETIMEDOUT":
      return where.connected
        ? { code: errorCodes.timeout, message: "request timeout" }
        : { code: errorCodes.dialTimeout, message: `${dial}: i/o timeout` };
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return { code: errorCodes.noIp, message: msg.startsWith("lookup") ? msg : `lookup: ${msg}` };
    case "ECONNRESET":
      return {
        code: errorCodes.resetByPeer,
        message: `read tcp ${where.address}: read: connection reset by peer`,
      };
    case "EPIPE":
      return { code: errorCodes.brokenPipe, message: `write tcp ${where.address}: write: broken pipe` };
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EADDRNOTAVAIL":
      return { code: errorCodes.dialGeneric, message: `${dial}: ${msg}` };
    case "EMFILE":
    case "ENFILE":
      return { code: errorCodes.dialGeneric, message: `${dial}: socket: too many open files` };
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return { code: errorCodes.tlsHostMismatch, message: `tls: ${msg}` };
    case "ERR_ENGINE_EOF":
      return { code: errorCodes.generic, message: where.connected ? "EOF" : `${dial}: ${msg}` };
  }
  if (unknownAuthority.has(code)) return { code: errorCodes.tlsUnknownAuthority, message: `x509: ${msg}` };
  if (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS"))
    return { code: errorCodes.tlsGeneric, message: `tls: ${msg}` };
  if (code === "ERR_ENGINE_HTTP_PARSE")
    return { code: errorCodes.generic, message: `malformed HTTP response: ${msg}` };
  return { code: errorCodes.generic, message: msg };
};

/** k6 gives HTTP 4xx and 5xx answers the error code 1000 + status. */
export const httpErrorCode = (status: number): number => (status >= 400 && status < 600 ? 1000 + status : 0);
