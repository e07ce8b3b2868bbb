import type { Rng } from "../../kernel/pure/rng.js";
import { signIns } from "./metrics.js";
import type { PortalClient, StepTags } from "./portal-client.js";
import { jsonBody } from "./portal-client.js";
import { withRetries } from "./retry.js";

/** The harness's registered client and a loopback redirect (never requested: the code arrives as JSON). */
export const clientId = "portal-harness";
export const redirectUri = "http://127.0.0.1/signed-in";

export interface CitizenSession {
  citizenId: string;
  accessToken: string;
  /** ms since epoch after which the token is not used again. */
  expiresAt: number;
}

/** A token is renewed this long before it expires, so a request never carries one that lapses in flight. */
export const renewBeforeMs = 30_000;

/**
 * VNeID-style OIDC authorization-code flow: authorize (the citizen approves in the app; the mock answers with
 * the code a redirect would carry), check the state echoed back, exchange the code for tokens. Both steps are
 * safe to retry (a fresh authorization makes a fresh code), so each is retried on shedding.
 */
export const signIn = async (
  client: PortalClient,
  citizenId: string,
  rng: Rng,
  tags: StepTags,
  now: () => number = Date.now,
): Promise<CitizenSession | null> => {
  const t: StepTags = { ...tags, step: "sign-in" };
  const state = `s${rng.int(0, 1e9)}`;
  const authorized = (
    await withRetries(
      () =>
        client.post(
          "/api/v1/auth/authorize",
          {
            response_type: "code",
            client_id: clientId,
            redirect_uri: redirectUri,
            scope: "openid",
            state,
            nonce: `n${rng.int(0, 1e9)}`,
            login_hint: citizenId,
          },
          {},
          t,
          "POST /api/v1/auth/authorize",
        ),
      { attempts: 2, tags: t },
    )
  ).res;
  const grant = jsonBody<{ code?: string; state?: string }>(authorized);
  if (authorized.status !== 200 || !grant?.code || grant.state !== state) return null;
  const issued = (
    await withRetries(
      () =>
        client.post(
          "/api/v1/auth/token",
          {
            grant_type: "authorization_code",
            code: grant.code,
            redirect_uri: redirectUri,
            client_id: clientId,
          },
          {},
          t,
          "POST /api/v1/auth/token",
        ),
      // A code is one-time: a retry after an answer that may have used it would be refused, so only shedding
      // before the code reached identity (OVERLOADED at admission) is retried.
      { attempts: 2, tags: t, retryable: (r) => r.status === 503 && String(r.body).includes("OVERLOADED") },
    )
  ).res;
  const tokens = jsonBody<{ access_token?: string; expires_in?: number }>(issued);
  if (issued.status !== 200 || !tokens?.access_token) return null;
  signIns.add(1, t);
  return {
    citizenId,
    accessToken: tokens.access_token,
    expiresAt: now() + (tokens.expires_in ?? 0) * 1000 - renewBeforeMs,
  };
};

/** The VU's session while its token is valid; a new sign-in when it has none or it is about to expire. */
export const ensureSession = async (
  current: CitizenSession | null,
  signInNow: () => Promise<CitizenSession | null>,
  now: () => number = Date.now,
): Promise<CitizenSession | null> => (current && current.expiresAt > now() ? current : signInNow());

export const bearer = (session: CitizenSession | null): Record<string, string> =>
  session ? { authorization: `Bearer ${session.accessToken}` } : {};
