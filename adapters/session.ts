import { HostRefusedError } from "../engine/net/guarded-dial.js";
import type { GuardedHttp, GuardedResponse } from "../engine/net/guarded-fetch.js";
import { minSecretLength, type Redactor, type SecretValues } from "../kernel/secrets.js";
import type { ParsedAdapter } from "./load.js";
import {
  contractError,
  formBody,
  invert,
  queryString,
  resolveValue,
  unwrap,
  vendorHeaders,
} from "./mapping.js";

/** Why a vendor call did not give a usable reply: the probes turn `unreachable` into exit 3, the rest into 2. */
export class AdapterCallError extends Error {
  constructor(
    readonly operation: string,
    readonly kind: "unreachable" | "refused" | "bad-reply",
    message: string,
  ) {
    super(message);
    this.name = "AdapterCallError";
  }
}

export interface VendorContext {
  adapter: ParsedAdapter;
  secrets: SecretValues;
  /** The vendor API's base URL (or the link in front of it), without a trailing slash. */
  upstream: string;
  http: GuardedHttp;
  redactor: Redactor;
  log: (line: string) => void;
  timeoutMs: number;
}

/** Sends one request; a refused host passes as it is, any other failure to get a reply is `unreachable`. */
export const sendVendor = async (
  ctx: VendorContext,
  operation: string,
  url: string,
  req: { method: "GET" | "POST"; headers: Record<string, string>; body?: string },
): Promise<GuardedResponse> => {
  try {
    return await ctx.http.send(url, { ...req, timeoutMs: ctx.timeoutMs });
  } catch (e) {
    if (e instanceof HostRefusedError) throw e;
    const reason = (e as Error & { code?: string }).code ?? (e as Error).name;
    throw new AdapterCallError(operation, "unreachable", `${url} did not answer (${reason})`);
  }
};

/** A reply's body as JSON, or a `bad-reply` error naming the operation. */
export const jsonOf = async (res: GuardedResponse, operation: string): Promise<unknown> => {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdapterCallError(operation, "bad-reply", `the vendor's ${res.status} reply is not JSON`);
  }
};

/** A 401 on a token younger than this is the request's own (a citizen's token), not the application's. */
const freshTokenMs = 1000;
/** Sign in again this long before the vendor's stated expiry. */
const expiryMarginMs = 10_000;

interface Token {
  value: string;
  obtainedAt: number;
  expiresAt: number;
}

/**
 * The application's own session at the vendor: signs in before the first call, again before expiry, and once
 * more after a 401 on a token that is not brand new. Concurrent callers share one sign-in.
 */
export class VendorSession {
  private current: Token | null = null;
  private pending: Promise<Token> | null = null;

  constructor(
    private readonly ctx: VendorContext,
    private readonly now: () => number = Date.now,
  ) {}

  /** The header that carries the token, and its value. */
  async authHeader(): Promise<{ name: string; value: string; token: string }> {
    const t = await this.token();
    const { header, scheme } = this.ctx.adapter.signIn;
    return {
      name: header.toLowerCase(),
      value: scheme === "" ? t.value : `${scheme} ${t.value}`,
      token: t.value,
    };
  }

  /** After a 401: whether a fresh sign-in may help (the token used is still the current one, and not new). */
  shouldRenew(used: string): boolean {
    const c = this.current;
    return c !== null && c.value === used && this.now() - c.obtainedAt >= freshTokenMs;
  }

  renew(used: string): void {
    if (this.current?.value === used) this.current = null;
  }

  private async token(): Promise<Token> {
    const c = this.current;
    if (c !== null && c.expiresAt - expiryMarginMs > this.now()) return c;
    this.pending ??= this.signIn().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** The sign-in call itself; its body is never logged, and the token joins the redactor at once. */
  async signIn(): Promise<Token> {
    const { adapter, secrets, upstream } = this.ctx;
    const s = adapter.signIn;
    const fields = Object.fromEntries(Object.entries(s.body).map(([k, v]) => [k, resolveValue(v, secrets)]));
    const headers = vendorHeaders({}, adapter.headers, secrets);
    let url = `${upstream}${s.path}`;
    let body: string | undefined;
    if (s.method === "get") url += queryString(fields);
    else if (s.encoding === "form") {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = formBody(fields);
    } else {
      headers["content-type"] = "application/json";
      body = JSON.stringify(fields);
    }
    const res = await sendVendor(this.ctx, "signIn", url, {
      method: s.method === "get" ? "GET" : "POST",
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const reply = await jsonOf(res, "signIn");
    if (res.status >= 400) {
      const { error } = contractError(reply, res.status, adapter.envelope, invert(adapter.errorCodes));
      throw new AdapterCallError(
        "signIn",
        "refused",
        `the vendor refused the sign-in: ${res.status} ${error.code}`,
      );
    }
    return this.keep(reply);
  }

  private keep(reply: unknown): Token {
    const { adapter, redactor, log } = this.ctx;
    const s = adapter.signIn;
    const data = unwrap(reply, adapter.envelope);
    const fields = (data.ok ? data.data : null) as Record<string, unknown> | null;
    const value = fields?.[s.tokenField];
    if (typeof value !== "string" || value === "")
      throw new AdapterCallError("signIn", "bad-reply", `the sign-in reply has no ${s.tokenField}`);
    // A token too short to redact safely is too short to be a secret worth hiding.
    if (value.length >= minSecretLength) redactor.add("vendorToken", value);
    const seconds = s.expiresInField === undefined ? undefined : fields?.[s.expiresInField];
    const lifetimeMs = typeof seconds === "number" && seconds > 0 ? seconds * 1000 : Number.POSITIVE_INFINITY;
    const now = this.now();
    this.current = { value, obtainedAt: now, expiresAt: now + lifetimeMs };
    log(
      redactor.redact(
        `signed in to ${adapter.name} (token for ${Number.isFinite(lifetimeMs) ? `${lifetimeMs / 1000} s` : "the session"})`,
      ),
    );
    return this.current;
  }
}
