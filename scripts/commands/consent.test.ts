import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../kernel/errors.js";
import { Target } from "../config/run-config.js";
import { consentDecision } from "./consent.js";

const staging = Target.parse({
  kind: "url",
  baseUrl: "https://staging.dvc.example/",
  allowHosts: ["staging.dvc.example"],
});

describe("consent before traffic to anything but the mock and loopback", () => {
  it.each([
    ["the mock", { kind: "mock" }],
    ["a loopback address", { kind: "url", baseUrl: "http://127.0.0.1:8080/" }],
    ["an encoded loopback address", { kind: "url", baseUrl: "http://0x7f.1:8080/" }],
    ["localhost", { kind: "url", baseUrl: "http://localhost:8080/" }],
  ])("%s needs none, even without a terminal", (_name, target) => {
    expect(consentDecision({ target: Target.parse(target), yes: false, interactive: false })).toBe("go");
  });

  it("an allowlisted staging host goes with --yes, is asked on a terminal, refused otherwise (exit 2)", () => {
    expect(consentDecision({ target: staging, yes: true, interactive: false })).toBe("go");
    expect(consentDecision({ target: staging, yes: false, interactive: true })).toBe("ask");
    let lines: readonly string[] = [];
    try {
      consentDecision({ target: staging, yes: false, interactive: false });
    } catch (e) {
      lines = isHarnessError(e) && e.exitCode === 2 ? e.lines : [];
    }
    expect(lines[0]).toBe(
      'target.baseUrl: staging.dvc.example is not loopback: sending it traffic needs --yes or a "yes" typed on a terminal',
    );
    expect(lines[1]).toMatch(/^hint: /);
  });
});
