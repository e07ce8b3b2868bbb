import { describe, expect, it } from "vitest";
import { decideUrl, isLoopbackAddress, normaliseAllowEntry } from "./allowlist.js";

const allow = { hosts: ["staging.dvc.example", "203.0.113.7", "2001:db8::7"] };

describe("the allowlist decides on the normalised URL host", () => {
  it.each([
    ["http://127.0.0.1:8080/x", true],
    ["http://127.9.9.9/", true],
    ["http://[::1]:80/", true],
    ["http://localhost:3000/", true],
    ["http://LOCALHOST./", true],
    ["http://0x7f.1/", true],
    ["http://2130706433/", true],
    ["http://127.1/", true],
    ["http://017700000001/", true],
    ["http://127.0.0.%31/", true],
    ["http://[::ffff:127.0.0.1]/", true],
    ["http://[::ffff:7f00:2]/", true],
    ["https://staging.dvc.example/api", true],
    ["https://STAGING.dvc.example./api", true],
    ["https://user:pw@staging.dvc.example/", true],
    ["http://203.0.113.7/", true],
    ["http://[2001:db8::7]/", true],
    ["http://10.0.0.1/", false],
    ["http://0x0a000001/", false],
    ["http://167772161/", false],
    ["http://[::ffff:10.0.0.1]/", false],
    ["http://[::ffff:a00:1]/", false],
    ["http://192.168.1.1/", false],
    ["http://169.254.169.254/latest/meta-data", false],
    ["http://0.0.0.0/", false],
    ["http://[::]/", false],
    ["https://staging.dvc.example.evil.example/", false],
    ["https://xstaging.dvc.example/", false],
    ["https://staging.dvc.example@evil.example/", false],
    ["https://evil.example#@staging.dvc.example", false],
    ["https://evil.example/?u=https://staging.dvc.example", false],
    ["https://staging-dvc.example/", false],
    ["https://xn--stagng-9ta.dvc.example/", false],
    ["https://stagíng.dvc.example/", false],
    ["http://203.0.113.8/", false],
    ["ftp://127.0.0.1/", false],
    ["file:///etc/passwd", false],
    ["not a url", false],
  ])("%s → %s", (url, allowed) => {
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
