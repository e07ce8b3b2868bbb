import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../kernel/errors.js";
import { refuseMisplacedOptions } from "./flags.js";

describe("options given to a command they do not belong to", () => {
  it.each([
    ["run", { battery: "gate" }, /run: --battery is only for inspect, certify, gate/],
    ["gate", { "auth-ref": "QD-1" }, /gate: --auth-ref is only for inspect/],
    ["demo", { "sign-key": "k.pem" }, /demo: --sign-key is only for certify/],
    ["exec", { adapter: "a.json" }, /exec: --adapter is only for/],
    ["run", { port: "8480" }, /run: --port is only for mock/],
  ])("%s %j is refused (exit 2)", (command, values, message) => {
    let error: unknown = null;
    try {
      refuseMisplacedOptions(command, values);
    } catch (e) {
      error = e;
    }
    expect(isHarnessError(error) && error.exitCode).toBe(2);
    expect(isHarnessError(error) && error.lines[0]).toMatch(message);
  });

  it("accepts them where they belong", () => {
    expect(() => refuseMisplacedOptions("inspect", { battery: "inspect", "auth-ref": "QD-1" })).not.toThrow();
    expect(() => refuseMisplacedOptions("run", { adapter: "a.json" })).not.toThrow();
    expect(() => refuseMisplacedOptions("mock", { port: "8480", dialect: "vendor-a" })).not.toThrow();
  });
});
