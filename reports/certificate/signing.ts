import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { inputError } from "../../kernel/errors.js";
import { signedBytes } from "./canonical.js";
import type { CertificateSignature } from "./schema.js";

const keyHint = (kind: "private" | "public"): string =>
  kind === "private"
    ? "hint: make one with `openssl genpkey -algorithm ed25519 -out signing-key.pem` (PKCS#8 PEM)"
    : "hint: derive it with `openssl pkey -in signing-key.pem -pubout -out signing-key.pub.pem` (SPKI PEM)";

const readKeyFile = (file: string, kind: "private" | "public"): string => {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw inputError(`${file}: cannot read the ${kind} key file (${code})`, keyHint(kind));
  }
};

const ed25519 = (file: string, key: KeyObject, kind: "private" | "public"): KeyObject => {
  if (key.asymmetricKeyType !== "ed25519")
    throw inputError(
      `${file}: an ${key.asymmetricKeyType ?? "unknown"} key, not an Ed25519 ${kind} key`,
      keyHint(kind),
    );
  return key;
};

/** An Ed25519 private key from a PKCS#8 PEM file; anything else is an input error naming the file. */
export const readPrivateKey = (file: string): KeyObject => {
  const pem = readKeyFile(file, "private");
  if (pem.includes("ENCRYPTED PRIVATE KEY"))
    throw inputError(
      `${file}: an encrypted private key; give it unencrypted (PKCS#8 PEM)`,
      keyHint("private"),
    );
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw inputError(`${file}: not a PEM private key (PKCS#8)`, keyHint("private"));
  }
  return ed25519(file, key, "private");
};

/** An Ed25519 public key from an SPKI PEM file; a private key file is refused (it must not travel). */
export const readPublicKey = (file: string): KeyObject => {
  const pem = readKeyFile(file, "public");
  if (pem.includes("PRIVATE KEY"))
    throw inputError(`${file}: holds a private key; give its public key (SPKI PEM)`, keyHint("public"));
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    throw inputError(`${file}: not a PEM public key (SPKI)`, keyHint("public"));
  }
  return ed25519(file, key, "public");
};

/** SHA-256 (hex) of a public key in SPKI DER form (a private key is taken for its public half). */
export const publicKeyFingerprint = (key: KeyObject): string => {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return createHash("sha256")
    .update(pub.export({ type: "spki", format: "der" }))
    .digest("hex");
};

/** Signs the canonical JSON of the certificate without `signature` (Ed25519). */
export const signCertificate = (cert: object, privateKey: KeyObject): CertificateSignature => ({
  algorithm: "Ed25519",
  publicKeyFingerprint: publicKeyFingerprint(privateKey),
  value: sign(null, signedBytes(cert), privateKey).toString("base64"),
});

/**
 * Checks a certificate's signature with a public key: what is wrong, in sentences (none when it holds).
 * `cert` is the certificate as read (its raw JSON), so a field added after signing breaks the signature too.
 */
export const signatureProblems = (cert: object, publicKey: KeyObject, source: string): string[] => {
  const s = (cert as { signature?: Partial<CertificateSignature> }).signature;
  if (s === undefined) return [`${source}: not signed, but a public key was given to check its signature`];
  const expected = publicKeyFingerprint(publicKey);
  if (s.publicKeyFingerprint !== expected)
    return [
      `${source}: signed with another key (public key SHA-256 ${String(s.publicKeyFingerprint)}), not the one given (${expected})`,
    ];
  const ok = verify(null, signedBytes(cert), publicKey, Buffer.from(String(s.value), "base64"));
  return ok ? [] : [`${source}: the signature does not match its content (changed after it was signed)`];
};
