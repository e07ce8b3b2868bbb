import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../kernel/errors.js";
import { checkTargetUrl, isLoopbackHost } from "./target-guard.js";

describe("target guard", () => {
  it.each(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"])("%s is loopback", (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });

  it.each(["10.0.0.1", "192.168.1.1", "172.16.0.1", "8.8.8.8", "dichvucong.gov.vn", "127.example.com"])(
    "%s is not loopback and is refused with exit 2 unless allowlisted",
    (h) => {
      expect(isLoopbackHost(h)).toBe(false);
      try {
        checkTargetUrl(`http://${h}/`, []);
        throw new Error("not refused");
      } catch (e) {
        expect(isHarnessError(e) && e.exitCode).toBe(2);
        expect(isHarnessError(e) && e.lines[0]).toMatch(/^target\.baseUrl: refused/);
      }
    },
  );

  it("accepts an explicitly allowlisted staging host", () => {
    expect(checkTargetUrl("https://staging.example.test/", ["staging.example.test"]).hostname).toBe(
      "staging.example.test",
    );
  });

  it("refuses non-HTTP schemes", () => {
    expect(() => checkTargetUrl("file:///etc/passwd", [])).toThrow(/only http and https/);
  });
});
