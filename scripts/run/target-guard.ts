import { isIP } from "node:net";
import { inputError } from "../../kernel/errors.js";

/** Loopback: 127.0.0.0/8, ::1 and localhost. */
export const isLoopbackHost = (host: string): boolean => {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
};

/**
 * The harness sends load only to loopback or to a host the config allowlists explicitly. Anything else is
 * refused before a single request is made.
 */
export const checkTargetUrl = (baseUrl: string, allowHosts: readonly string[]): URL => {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw inputError(`target.baseUrl: "${baseUrl}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw inputError(`target.baseUrl: only http and https targets are supported, not ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (isLoopbackHost(host)) return url;
  if (allowHosts.map((h) => h.toLowerCase()).includes(host)) return url;
  throw inputError(
    `target.baseUrl: refused: ${host} is not loopback and not in target.allowHosts.`,
    "Only the built-in mock, loopback addresses or explicitly allowlisted staging hosts may be targeted.",
  );
};
