import { describe, expect, it } from "vitest";
import { allowlistCaseHosts, allowlistCases } from "../testing/url-cases.js";
import { decideUrl, isLoopbackAddress, normaliseAllowEntry } from "./allowlist.js";

const allow = { hosts: allowlistCaseHosts };

describe("the allowlist decides on the normalised URL host", () => {
  it.each(allowlistCases)("%s → %s", (url, allowed) => {
    expect(decideUrl(url, allow).allowed).toBe(allowed);
  });

  it("names loopback addresses in every spelling", () => {
    expect(isLoopbackAddress("127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("::ffff:7f00:1")).toBe(true);
    expect(isLoopbackAddress("128.0.0.1")).toBe(false);
    expect(isLoopbackAddress("::2")).toBe(false);
  });

  it("refuses allowlist entries that are not hosts", () => {
    expect(normaliseAllowEntry("Staging.Example.")).toBe("staging.example");
    expect(normaliseAllowEntry("*.example")).toBeNull();
    expect(normaliseAllowEntry("http://x/")).toBeNull();
    expect(normaliseAllowEntry("a@b")).toBeNull();
  });
});
