import { isIP } from "node:net";

/**
 * Which hosts a run may reach: loopback always, plus the names and addresses the user listed. A decision is
 * made on the URL's host as the WHATWG URL parser normalised it (lower case, IPv4 in every encoded form
 * turned into dotted quads, IPv6 compressed), so `0x7f.1`, `2130706433` and `127.1` are the loopback address
 * they are, and `allowed.example@evil.example` is `evil.example`. Names match exactly (one trailing dot
 * ignored): no wildcards, no suffixes.
 */
export interface AllowList {
  /** Host names and IP addresses beyond loopback, as the user wrote them. */
  hosts: readonly string[];
}

export type HostDecision =
  | { allowed: true; kind: "ip"; host: string; address: string }
  | { allowed: true; kind: "name"; host: string; loopbackOnly: boolean }
  | { allowed: false; host: string; reason: string };

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.y.z in either spelling). */
export const isLoopbackAddress = (address: string): boolean => {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  const v = isIP(ip);
  if (v === 4) return ip.startsWith("127.");
  if (v !== 6) return false;
  if (ip === "::1" || ip === "0:0:0:0:0:0:0:1") return true;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/.exec(ip.replace(/^::/, ""));
  if (!mapped?.[1]) return false;
  const tail = mapped[1];
  if (isIP(tail) === 4) return tail.startsWith("127.");
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
  return hex !== null && Number.parseInt(hex[1] as string, 16) >> 8 === 127;
};

const bare = (host: string): string => host.replace(/^\[|\]$/g, "").toLowerCase();
const withoutDot = (name: string): string => (name.endsWith(".") ? name.slice(0, -1) : name);

/** Normalises one allowlist entry the way a URL host would be, or null when it is not a host. */
export const normaliseAllowEntry = (entry: string): string | null => {
  const text = entry.trim();
  if (text === "" || /[/?#@\s*]/.test(text)) return null;
  try {
    const host = new URL(`http://${isIP(text) === 6 ? `[${text}]` : text}/`).hostname;
    return withoutDot(bare(host));
  } catch {
    return null;
  }
};

/** Decides a URL host (as `URL.hostname` gives it). */
export const decideHost = (hostname: string, allow: AllowList): HostDecision => {
  const host = bare(hostname);
  if (host === "") return { allowed: false, host, reason: "the URL has no host" };
  const ipVersion = isIP(host);
  if (ipVersion !== 0) {
    if (isLoopbackAddress(host)) return { allowed: true, kind: "ip", host, address: host };
    const listed = allow.hosts.some((h) => normaliseAllowEntry(h) === host);
    return listed
      ? { allowed: true, kind: "ip", host, address: host }
      : { allowed: false, host, reason: `${host} is not loopback and not on the allowlist` };
  }
  const name = withoutDot(host);
  if (name === "localhost" || name.endsWith(".localhost"))
    return { allowed: true, kind: "name", host: name, loopbackOnly: true };
  if (allow.hosts.some((h) => normaliseAllowEntry(h) === name))
    return { allowed: true, kind: "name", host: name, loopbackOnly: false };
  return { allowed: false, host: name, reason: `${name} is not on the allowlist` };
};

/** Decides a whole URL: only http and https, then the host. */
export const decideUrl = (url: string | URL, allow: AllowList): HostDecision => {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    return { allowed: false, host: "", reason: `not a valid URL: ${String(url)}` };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return {
      allowed: false,
      host: parsed.hostname,
      reason: `scheme ${parsed.protocol} is not http or https`,
    };
  return decideHost(parsed.hostname, allow);
};
