import { describe, expect, it } from "vitest";
import { canonicalJson, certificateDigest, signedBytes } from "./canonical.js";

describe("canonical JSON", () => {
  it.each([
    [
      "keys in code-point order, at every depth",
      { b: 1, a: { d: [3, 1], c: "x" } },
      '{"a":{"c":"x","d":[3,1]},"b":1}',
    ],
    ["absent fields left out, null kept", { a: undefined, b: null }, '{"b":null}'],
    ["arrays keep their order; a hole is null", [2, undefined, { z: 1, y: 2 }], '[2,null,{"y":2,"z":1}]'],
    ["strings escaped as JSON does", { é: 'a"b\n' }, '{"é":"a\\"b\\n"}'],
    ["uppercase before lowercase (code points)", { a: 1, B: 2, _: 3 }, '{"B":2,"_":3,"a":1}'],
    [
      "numbers as JSON writes them",
      { x: 0.1 + 0.2, y: 1e21, z: -0 },
      '{"x":0.30000000000000004,"y":1e+21,"z":0}',
    ],
  ])("%s", (_, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it("gives the same text whatever order the fields were written in", () => {
    const a = { outcome: "certified", files: [{ path: "a", sha256: "1" }], runId: "r" };
    const b = { runId: "r", files: [{ sha256: "1", path: "a" }], outcome: "certified" };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(JSON.parse(JSON.stringify(a, null, 2)))).toBe(canonicalJson(a));
  });

  it("refuses a value with no JSON form", () => {
    expect(() => canonicalJson(undefined)).toThrow(/no JSON form/);
  });
});

describe("what the digest and the signature cover", () => {
  const cert = { runId: "r", outcome: "certified", digest: "d", signature: { value: "s" } };

  it("the digest covers everything but the digest and the signature", () => {
    expect(certificateDigest(cert)).toBe(
      certificateDigest({ ...cert, digest: "other", signature: undefined }),
    );
    expect(certificateDigest(cert)).not.toBe(certificateDigest({ ...cert, outcome: "not-certified" }));
    expect(certificateDigest(cert)).not.toBe(certificateDigest({ ...cert, extra: true }));
    expect(certificateDigest(cert)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the signature covers everything but itself, the digest included", () => {
    expect(signedBytes(cert).toString()).toBe('{"digest":"d","outcome":"certified","runId":"r"}');
  });
});
