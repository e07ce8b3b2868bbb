import { describe, expect, it } from "vitest";
import { allowlistCaseHosts, allowlistCases } from "../../engine/testing/url-cases.js";
import { isHarnessError } from "../../kernel/errors.js";
import { checkTargetUrl, isLoopbackTarget } from "./target-guard.js";

const allowHosts = allowlistCaseHosts;

/** Refusal as the CLI shows it: exit 2, a first line naming the field, a hint; null when allowed. */
const refusal = (url: string, hosts: readonly string[] = allowHosts): readonly string[] | null => {
  try {
    checkTargetUrl(url, hosts);
    return null;
  } catch (e) {
    if (!isHarnessError(e)) throw e;
    expect(e.exitCode).toBe(2);
    return e.lines;
  }
};

const hasCredentials = (url: string): boolean => {
  const u = URL.parse(url);
  return u !== null && (u.username !== "" || u.password !== "");
};

describe("the run's target check is the engine's decision", () => {
  // The engine's table, but a URL carrying credentials is refused (they would be printed and reported).
  it.each(allowlistCases.map(([url, allowed]) => [url, allowed && !hasCredentials(url)] as const))(
    "%s → allowed %s",
    (url, allowed) => {
      const lines = refusal(url);
      expect(lines === null).toBe(allowed);
      if (lines) {
        expect(lines[0]).toMatch(/^target\.baseUrl: /);
        expect(lines[lines.length - 1]).toMatch(/^hint: /);
      }
    },
  );

  it("names the refused host as the parser normalised it", () => {
    expect(refusal("http://0x0a000001/")?.[0]).toBe(
      "target.baseUrl: refused: 10.0.0.1 is not loopback and not on the allowlist",
    );
    expect(refusal("https://staging.dvc.example@evil.example/")?.[0]).toMatch(/evil\.example is not on/);
  });

  it("refuses allowlist entries that are not hosts, naming the entry", () => {
    expect(refusal("http://127.0.0.1/", ["ok.example", "*.dvc.example"])?.[0]).toMatch(
      /^target\.allowHosts\[1\]: "\*\.dvc\.example" is not a host/,
    );
    expect(refusal("http://127.0.0.1/", ["https://staging.dvc.example/"])?.[0]).toMatch(
      /^target\.allowHosts\[0\]/,
    );
  });

  it("tells loopback targets (no consent needed) from allowlisted ones", () => {
    expect(isLoopbackTarget("http://127.0.0.1:9/")).toBe(true);
    expect(isLoopbackTarget("http://0x7f.1/")).toBe(true);
    expect(isLoopbackTarget("http://localhost./")).toBe(true);
    expect(isLoopbackTarget("https://staging.dvc.example/")).toBe(false);
    expect(isLoopbackTarget("http://203.0.113.7/")).toBe(false);
  });
});
