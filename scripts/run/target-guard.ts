import { decideUrl, normaliseAllowEntry } from "../../engine/net/allowlist.js";
import { inputError } from "../../kernel/errors.js";

const hint =
  "hint: target only the built-in mock, a loopback URL, or a staging host listed exactly in target.allowHosts";

/**
 * The run's target check, before any lookup or packet: the engine's own decision (`decideUrl`, the one the
 * guarded dialler applies again at connect time), so encoded IPv4 forms, IPv4-mapped IPv6, trailing dots,
 * case, userinfo, fragments, percent-encoding and look-alike names are judged on the normalised host. A
 * refusal is bad input (exit 2): one line naming the field and the cause, then a hint.
 */
export const checkTargetUrl = (baseUrl: string, allowHosts: readonly string[]): URL => {
  allowHosts.forEach((entry, i) => {
    if (normaliseAllowEntry(entry) === null)
      throw inputError(
        `target.allowHosts[${i}]: "${entry}" is not a host name or IP address (no scheme, path, port, wildcard or userinfo)`,
        hint,
      );
  });
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw inputError(`target.baseUrl: "${baseUrl}" is not a URL`, hint);
  }
  const decision = decideUrl(url, { hosts: allowHosts });
  if (!decision.allowed) throw inputError(`target.baseUrl: refused: ${decision.reason}`, hint);
  // Credentials in the URL would be printed in the plan and written to every report.
  if (url.username !== "" || url.password !== "")
    throw inputError(
      "target.baseUrl: refused: the URL carries credentials (user:password@); secrets never go in a URL",
      hint,
    );
  return url;
};

/** Whether a checked target is loopback (no consent needed): an address or a `localhost` name. */
export const isLoopbackTarget = (baseUrl: string): boolean => {
  const d = decideUrl(baseUrl, { hosts: [] });
  return d.allowed && (d.kind === "ip" || d.loopbackOnly);
};
