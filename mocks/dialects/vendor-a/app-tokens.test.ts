import { describe, expect, it } from "vitest";
import { AppTokens, sameSecret } from "./app-tokens.js";

describe("vendor-a application tokens", () => {
  it("accepts an issued token for 300 s and no longer", () => {
    let now = 1_000_000;
    const tokens = new AppTokens(() => now);
    const token = tokens.issue();
    expect(tokens.valid(token)).toBe(true);
    expect(tokens.valid("made-up")).toBe(false);
    expect(tokens.valid(undefined)).toBe(false);
    now += 299_999;
    expect(tokens.valid(token)).toBe(true);
    now += 1;
    expect(tokens.valid(token)).toBe(false);
    expect(tokens.issue()).not.toBe(token);
  });

  it("compares secrets exactly", () => {
    expect(sameSecret("abcdef", "abcdef")).toBe(true);
    expect(sameSecret("abcdeg", "abcdef")).toBe(false);
    expect(sameSecret("abc", "abcdef")).toBe(false);
    expect(sameSecret(undefined, "abcdef")).toBe(false);
  });
});
