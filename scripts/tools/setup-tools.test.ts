import { describe, expect, it } from "vitest";
import { goVersionAtLeast, parseGoVersion } from "./setup-tools.js";

describe("Go version check", () => {
  it.each([
    ["go version go1.26.8 linux/amd64", [1, 26]],
    ["go version go1.19 linux/amd64", [1, 19]],
    ["nonsense", null],
  ])("parses %s", (text, expected) => {
    expect(parseGoVersion(text)).toEqual(expected);
  });

  it("toxiproxy v2.12 needs Go 1.22: Debian's 1.19 is too old", () => {
    expect(goVersionAtLeast([1, 19], [1, 22])).toBe(false);
    expect(goVersionAtLeast([1, 22], [1, 22])).toBe(true);
    expect(goVersionAtLeast([1, 26], [1, 22])).toBe(true);
    expect(goVersionAtLeast([2, 0], [1, 22])).toBe(true);
  });
});
