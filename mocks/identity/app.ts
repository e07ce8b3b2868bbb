import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from "jose";
import { isSyntheticCitizenId } from "../../contract/common.js";
import { AuthorizeRequest, IntrospectRequest, TokenRequest } from "../../contract/identity.js";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";
import { sendError } from "../lib/errors.js";
import { createPartApp, parseOr400, registerPoolMetrics } from "../lib/part-app.js";

export interface IdentityOptions {
  issuer?: string;
  capacity?: CapacitySpec;
  tokenTtlS?: number;
}

/** Registered relying parties. Redirects go to loopback only (RFC 8252 native-app style): nothing leaves. */
const clients: Record<string, RegExp> = {
  "dvcqg-portal": /^http:\/\/127\.0\.0\.1(:\d+)?\//,
  "portal-harness": /^http:\/\/127\.0\.0\.1(:\d+)?\//,
};

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
 * A VNeID-style OpenID Connect issuer: authorization code → ID and access tokens, real ES256 JWTs with a
 * published JWKS, and token introspection for the gateway. Codes are one-time and short-lived.
 */
export const buildApp = (options: IdentityOptions = {}): FastifyInstance => {
  const { app, metrics } = createPartApp("identity");
  const issuer = options.issuer ?? defaultIssuer;
  const ttlS = options.tokenTtlS ?? 900;
  const pool = new WorkerPool(options.capacity ?? { workers: 32, serviceTimeMs: 2 });
  const kid = `mock-${randomBytes(4).toString("hex")}`;
  const keys: Promise<{ privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK }> = generateKeyPair("ES256", {
    extractable: true,
  }).then(async ({ privateKey, publicKey }) => ({
    privateKey,
    publicKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" },
  }));
  const codes = new Map<string, PendingCode>();
  const stats = { issued: 0, refused: 0 };

  app.get("/healthz", async () => {
    await keys;
    return { ok: true };
  });

  app.get("/.well-known/openid-configuration", async () => ({
    issuer,
    authorization_endpoint: "/api/v1/auth/authorize",
    token_endpoint: "/api/v1/auth/token",
    jwks_uri: "/api/v1/auth/jwks",
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code"],
    id_token_signing_alg_values_supported: ["ES256"],
    subject_types_supported: ["public"],
  }));

  app.get("/jwks", async () => ({ keys: [(await keys).jwk] }));

  app.post("/authorize", async (request, reply) => {
    const body = parseOr400(AuthorizeRequest, request.body, reply, "body");
    if (!body) return reply;
    const allowed = clients[body.client_id];
    if (!allowed?.test(body.redirect_uri))
      return sendError(
        reply,
        "UNKNOWN_CLIENT",
        `client ${body.client_id} or its redirect_uri is not registered`,
      );
    if (!isSyntheticCitizenId(body.login_hint))
      return sendError(
        reply,
        "BAD_REQUEST",
        "login_hint: the mock signs in synthetic citizens (prefix 999) only",
      );
    return pool.run(() => {
      const code = randomBytes(18).toString("base64url");
      codes.set(code, {
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
    });
  });

  app.post("/token", async (request, reply) => {
    const body = parseOr400(TokenRequest, request.body, reply, "body");
    if (!body) return reply;
    return pool.run(async () => {
      const pending = codes.get(body.code);
      codes.delete(body.code);
      if (
        !pending ||
        pending.expiresAt < Date.now() ||
        pending.clientId !== body.client_id ||
        pending.redirectUri !== body.redirect_uri
      ) {
        stats.refused++;
        return sendError(reply, "INVALID_GRANT", "the code is unknown, used, expired or for another client");
      }
      const { privateKey } = await keys;
      const sign = (claims: Record<string, unknown>, audience: string) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
          .setIssuer(issuer)
          .setSubject(pending.citizenId)
          .setAudience(audience)
          .setIssuedAt()
          .setExpirationTime(`${ttlS}s`)
          .sign(privateKey);
      const [idToken, accessToken] = await Promise.all([
        sign(
          { ...(pending.nonce === undefined ? {} : { nonce: pending.nonce }), acr: "vneid-level-2" },
          body.client_id,
        ),
        sign({ scope: "openid", client_id: body.client_id }, accessAudience),
      ]);
      stats.issued++;
      return { access_token: accessToken, id_token: idToken, token_type: "Bearer", expires_in: ttlS };
    });
  });

  app.post("/introspect", async (request, reply) => {
    const body = parseOr400(IntrospectRequest, request.body, reply, "body");
    if (!body) return reply;
    return pool.run(async () => {
      try {
        const { payload } = await jwtVerify(body.token, (await keys).publicKey, {
          issuer,
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
    });
  });

  registerPoolMetrics(metrics, pool);
  metrics.register(
    "portal_identity_tokens_issued_total",
    "counter",
    "token responses issued",
    () => stats.issued,
  );
  metrics.register(
    "portal_identity_grants_refused_total",
    "counter",
    "token requests refused",
    () => stats.refused,
  );
  return app;
};
