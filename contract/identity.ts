import { z } from "zod";
import { CitizenId } from "./common.js";

/**
 * VNeID-style OpenID Connect, authorization-code flow. A browser would be redirected; the harness has no
 * browser, so `authorize` answers with the redirect target as JSON (the same code and state a redirect carries).
 */
export const OidcConfiguration = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
  response_types_supported: z.array(z.string()),
  grant_types_supported: z.array(z.string()),
  id_token_signing_alg_values_supported: z.array(z.string()),
  subject_types_supported: z.array(z.string()),
});

export const AuthorizeRequest = z.object({
  response_type: z.literal("code"),
  client_id: z.string().min(1).max(100),
  redirect_uri: z.string().min(1).max(500),
  scope: z.string().regex(/(^|\s)openid(\s|$)/, "scope must include openid"),
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200).optional(),
  /** Stands in for the citizen's VNeID app approval: who signs in. Synthetic ids only. */
  login_hint: CitizenId,
});

export const AuthorizeResponse = z.object({ code: z.string(), state: z.string(), redirect_to: z.string() });

export const TokenRequest = z.object({
  grant_type: z.literal("authorization_code"),
  code: z.string().min(1).max(200),
  redirect_uri: z.string().min(1).max(500),
  client_id: z.string().min(1).max(100),
});

export const TokenResponse = z.object({
  access_token: z.string(),
  id_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int().positive(),
});

export const Jwk = z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string() });
export const Jwks = z.object({ keys: z.array(Jwk) });

/** Internal (gateway → identity): is this access token active, and whose is it. */
export const IntrospectRequest = z.object({ token: z.string().min(1).max(4000) });
export const IntrospectResponse = z.object({
  active: z.boolean(),
  sub: z.string().optional(),
  exp: z.number().int().optional(),
});
