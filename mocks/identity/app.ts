import type { FastifyInstance } from "fastify";
import { isSyntheticCitizenId } from "../../contract/common.js";
import { AuthorizeRequest, IntrospectRequest, TokenRequest } from "../../contract/identity.js";
import { sendError } from "../lib/errors.js";
import { createPartApp, parseOr400, registerPoolMetrics } from "../lib/part-app.js";
import {
  createIssuer,
  type IdentityOptions,
  type Issuer,
  introspect,
  issueCode,
  redeemCode,
} from "./issuer.js";

export { accessAudience, defaultIssuer, type IdentityOptions } from "./issuer.js";

/** Registered relying parties. Redirects go to loopback only (RFC 8252 native-app style): nothing leaves. */
const clients: Record<string, RegExp> = {
  "dvcqg-portal": /^http:\/\/127\.0\.0\.1(:\d+)?\//,
  "portal-harness": /^http:\/\/127\.0\.0\.1(:\d+)?\//,
};

/** The OIDC endpoints. An encapsulated plugin (`app.register`): routes only, over the issuer it is given. */
const oidcRoutes = async (app: FastifyInstance, { issuer }: { issuer: Issuer }) => {
  const { pool } = issuer;
  app.get("/healthz", async () => {
    await issuer.keys;
    return { ok: true };
  });
  app.get("/.well-known/openid-configuration", async () => ({
    issuer: issuer.name,
    authorization_endpoint: "/api/v1/auth/authorize",
    token_endpoint: "/api/v1/auth/token",
    jwks_uri: "/api/v1/auth/jwks",
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code"],
    id_token_signing_alg_values_supported: ["ES256"],
    subject_types_supported: ["public"],
  }));
  app.get("/jwks", async () => ({ keys: [(await issuer.keys).jwk] }));
  app.post("/authorize", async (request, reply) => {
    const body = parseOr400(AuthorizeRequest, request.body, reply, "body");
    if (!body) return reply;
    if (!clients[body.client_id]?.test(body.redirect_uri))
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
    return pool.run(() => issueCode(issuer, body));
  });
  app.post("/token", async (request, reply) => {
    const body = parseOr400(TokenRequest, request.body, reply, "body");
    if (!body) return reply;
    return pool.run(
      async () =>
        (await redeemCode(issuer, body)) ??
        sendError(reply, "INVALID_GRANT", "the code is unknown, used, expired or for another client"),
    );
  });
  app.post("/introspect", async (request, reply) => {
    const body = parseOr400(IntrospectRequest, request.body, reply, "body");
    if (!body) return reply;
    return pool.run(() => introspect(issuer, body.token));
  });
};

/**
 * A VNeID-style OpenID Connect issuer: authorization code → ID and access tokens, real ES256 JWTs with a
 * published JWKS, and token introspection for the gateway. Codes are one-time and short-lived.
 */
export const buildApp = (options: IdentityOptions = {}): FastifyInstance => {
  const { app, metrics } = createPartApp("identity");
  const issuer = createIssuer(options);
  void app.register(oidcRoutes, { issuer });
  registerPoolMetrics(metrics, issuer.pool);
  metrics.register(
    "portal_identity_tokens_issued_total",
    "counter",
    "token responses issued",
    () => issuer.stats.issued,
  );
  metrics.register(
    "portal_identity_grants_refused_total",
    "counter",
    "token requests refused",
    () => issuer.stats.refused,
  );
  return app;
};
