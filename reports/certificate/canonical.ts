import { createHash } from "node:crypto";

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = canonical(v);
  }
  return out;
};

/**
 * JSON with every object's keys in code-point order, no whitespace, absent (`undefined`) fields left out:
 * the same value gives the same bytes whatever order its fields were written in.
 */
export const canonicalJson = (value: unknown): string => {
  const text = JSON.stringify(canonical(value));
  if (text === undefined) throw new TypeError("canonicalJson: the value has no JSON form");
  return text;
};

/** The certificate's fields that do not sign themselves: what the digest and the signature cover. */
export const withoutSeal = (cert: object, drop: ReadonlyArray<"digest" | "signature">): object =>
  Object.fromEntries(Object.entries(cert).filter(([k]) => !(drop as readonly string[]).includes(k)));

/** SHA-256 (hex) of the canonical JSON of the certificate without `digest` and `signature`. */
export const certificateDigest = (cert: object): string =>
  createHash("sha256")
    .update(canonicalJson(withoutSeal(cert, ["digest", "signature"])))
    .digest("hex");

/** The bytes the signature covers: the canonical JSON of the certificate without `signature`. */
export const signedBytes = (cert: object): Buffer =>
  Buffer.from(canonicalJson(withoutSeal(cert, ["signature"])), "utf8");
