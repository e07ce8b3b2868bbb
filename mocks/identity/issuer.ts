import { randomBytes } from "node:crypto";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from "jose";
import type { z } from "zod";
import type { AuthorizeRequest, TokenRequest } from "../../contract/identity.js";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";

export interface IdentityOptions {
  issuer?: string;
  capacity?: CapacitySpec;
  tokenTtlS?: number;
}

export const defaultIssuer = "urn:portal-harness:mock-vneid";
export const accessAudience = "dvcqg-api";

interface PendingCode {
  clientId: string;
  redirectUri: string;
  citizenId: string;
  nonce?: string;
  expiresAt: number;
}

/**
 * The issuer's state, made once by `buildApp()`: its ES256 key pair (generated at start, published as
 * JWKS), the one-time authorization codes waiting to be redeemed, and its counters.
 */
export interface Issuer {
  name: string;
  ttlS: number;
  pool: WorkerPool;
  kid: string;
  keys: Promise<{ privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK }>;
  codes: Map<string, PendingCode>;
  stats: { issued: number; refused: number };
}

export const createIssuer = (options: IdentityOptions): Issuer => {
  const kid = `mock-${randomBytes(4).toString("hex")}`;
  return {
    name: options.issuer ?? defaultIssuer,
    ttlS: options.tokenTtlS ?? 900,
    pool: new WorkerPool(options.capacity ?? { workers: 32, serviceTimeMs: 2 }),
    kid,
    keys: generateKeyPair("ES256", { extractable: true }).then(async ({ privateKey, publicKey }) => ({
      privateKey,
      publicKey,
      jwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" },
    })),
    codes: new Map(),
    stats: { issued: 0, refused: 0 },
  };
};

/** A one-time code for the signed-in citizen, valid for 60 s, and where to send the browser with it. */
export const issueCode = (issuer: Issuer, body: z.infer<typeof AuthorizeRequest>) => {
  const code = randomBytes(18).toString("base64url");
  issuer.codes.set(code, {
    clientId: body.client_id,
    redirectUri: body.redirect_uri,
    citizenId: body.login_hint,
    ...(body.nonce === undefined ? {} : { nonce: body.nonce }),
    expiresAt: Date.now() + 60_000,
  });
  const target = new URL(body.redirect_uri);
  target.searchParams.set("code", code);
  target.searchParams.set("state", body.state);
  return { code, state: body.state, redirect_to: target.toString() };
};

/** Redeems a code (once) for an ID token and an access token; null when the grant is refused. */
export const redeemCode = async (issuer: Issuer, body: z.infer<typeof TokenRequest>) => {
  const pending = issuer.codes.get(body.code);
  issuer.codes.delete(body.code);
  if (
    !pending ||
    pending.expiresAt < Date.now() ||
    pending.clientId !== body.client_id ||
    pending.redirectUri !== body.redirect_uri
  ) {
    issuer.stats.refused++;
    return null;
  }
  const { privateKey } = await issuer.keys;
  const sign = (claims: Record<string, unknown>, audience: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: issuer.kid, typ: "JWT" })
      .setIssuer(issuer.name)
      .setSubject(pending.citizenId)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${issuer.ttlS}s`)
      .sign(privateKey);
  const [idToken, accessToken] = await Promise.all([
    sign(
      { ...(pending.nonce === undefined ? {} : { nonce: pending.nonce }), acr: "vneid-level-2" },
      body.client_id,
    ),
    sign({ scope: "openid", client_id: body.client_id }, accessAudience),
  ]);
  issuer.stats.issued++;
  return { access_token: accessToken, id_token: idToken, token_type: "Bearer", expires_in: issuer.ttlS };
};

/** Whether an access token is one of ours and still valid, with its subject. */
export const introspect = async (issuer: Issuer, token: string) => {
  try {
    const { payload } = await jwtVerify(token, (await issuer.keys).publicKey, {
      issuer: issuer.name,
      audience: accessAudience,
    });
    return {
      active: true,
      ...(payload.sub ? { sub: payload.sub } : {}),
      ...(payload.exp ? { exp: payload.exp } : {}),
    };
  } catch {
    return { active: false };
  }
};
