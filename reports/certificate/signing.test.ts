import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HarnessError } from "../../kernel/errors.js";
import { tempDir } from "../../kernel/testing/temp-dir.js";
import {
  publicKeyFingerprint,
  readPrivateKey,
  readPublicKey,
  signatureProblems,
  signCertificate,
} from "./signing.js";

const dir = tempDir("ph-signing-");
afterAll(() => dir[Symbol.dispose]());

const pemFiles = (name: string, type: "ed25519" | "rsa" = "ed25519") => {
  const { privateKey, publicKey } =
    type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 1024 }) : generateKeyPairSync("ed25519");
  const priv = join(dir.path, `${name}.pem`);
  const pub = join(dir.path, `${name}.pub.pem`);
  writeFileSync(priv, privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(pub, publicKey.export({ type: "spki", format: "pem" }));
  return { priv, pub };
};

const mine = pemFiles("mine");
const other = pemFiles("other");
const cert = { runId: "20261202-101010-abcdef", outcome: "certified", digest: "0".repeat(64) };

describe("signing a certificate (Ed25519)", () => {
  it("a signature checks with the signer's public key, names it by fingerprint", () => {
    const signature = signCertificate(cert, readPrivateKey(mine.priv));
    expect(signature.algorithm).toBe("Ed25519");
    expect(signature.publicKeyFingerprint).toBe(publicKeyFingerprint(readPublicKey(mine.pub)));
    expect(signatureProblems({ ...cert, signature }, readPublicKey(mine.pub), "certificate.json")).toEqual(
      [],
    );
  });

  it("the same content in another field order still checks (canonical JSON)", () => {
    const signature = signCertificate(cert, readPrivateKey(mine.priv));
    const reordered = { digest: cert.digest, outcome: cert.outcome, runId: cert.runId, signature };
    expect(signatureProblems(reordered, readPublicKey(mine.pub), "c.json")).toEqual([]);
  });

  it.each([
    ["a changed field", { outcome: "not-certified" }, /c\.json: the signature does not match its content/],
    ["an added field", { extra: 1 }, /c\.json: the signature does not match its content/],
    ["a changed digest", { digest: "1".repeat(64) }, /c\.json: the signature does not match its content/],
  ])("fails on %s", (_, change, problem) => {
    const signature = signCertificate(cert, readPrivateKey(mine.priv));
    expect(signatureProblems({ ...cert, ...change, signature }, readPublicKey(mine.pub), "c.json")).toEqual([
      expect.stringMatching(problem),
    ]);
  });

  it("fails with another key, and when a key is given but there is no signature", () => {
    const signature = signCertificate(cert, readPrivateKey(mine.priv));
    expect(signatureProblems({ ...cert, signature }, readPublicKey(other.pub), "c.json")).toEqual([
      expect.stringMatching(/^c\.json: signed with another key/),
    ]);
    expect(signatureProblems(cert, readPublicKey(mine.pub), "c.json")).toEqual([
      expect.stringMatching(/^c\.json: not signed/),
    ]);
  });

  it("a forged signature under the right fingerprint fails", () => {
    const real = signCertificate(cert, readPrivateKey(mine.priv));
    const forged = { ...real, value: signCertificate(cert, readPrivateKey(other.priv)).value };
    expect(signatureProblems({ ...cert, signature: forged }, readPublicKey(mine.pub), "c.json")).toEqual([
      expect.stringMatching(/the signature does not match/),
    ]);
  });
});

describe("key files", () => {
  const garbage = join(dir.path, "garbage.pem");
  writeFileSync(garbage, "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n");
  const rsa = pemFiles("rsa", "rsa");
  const encrypted = join(dir.path, "encrypted.pem");
  writeFileSync(
    encrypted,
    generateKeyPairSync("ed25519").privateKey.export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "secret",
    }),
  );

  const inputErrorOf = (f: () => unknown): HarnessError => {
    try {
      f();
    } catch (e) {
      if (e instanceof HarnessError) return e;
      throw e;
    }
    throw new Error("no error");
  };

  it.each([
    [
      "a missing private key file",
      () => readPrivateKey(join(dir.path, "none.pem")),
      /none\.pem: cannot read the private key file \(ENOENT\)/,
    ],
    ["an unparsable private key", () => readPrivateKey(garbage), /garbage\.pem: not a PEM private key/],
    [
      "a public key given as the private key",
      () => readPrivateKey(mine.pub),
      /mine\.pub\.pem: not a PEM private key/,
    ],
    [
      "an encrypted private key",
      () => readPrivateKey(encrypted),
      /encrypted\.pem: an encrypted private key; give it unencrypted/,
    ],
    [
      "an RSA private key",
      () => readPrivateKey(rsa.priv),
      /rsa\.pem: an rsa key, not an Ed25519 private key/,
    ],
    [
      "a private key given as the public key",
      () => readPublicKey(mine.priv),
      /mine\.pem: holds a private key/,
    ],
    [
      "an RSA public key",
      () => readPublicKey(rsa.pub),
      /rsa\.pub\.pem: an rsa key, not an Ed25519 public key/,
    ],
  ])("refuses %s: exit 2 naming the file, with a hint", (_, read, message) => {
    const e = inputErrorOf(read);
    expect(e.exitCode).toBe(2);
    expect(e.lines[0]).toMatch(message);
    expect(e.lines[1]).toMatch(/^hint: /);
  });
});
