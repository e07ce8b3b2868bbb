import { randomBytes, timingSafeEqual } from "node:crypto";

/** How long an application token lives (seconds), as vendor-a tells its clients (`hieuLucGiay`). */
export const appTokenLifetimeS = 300;

/** At most this many live tokens are kept; the oldest goes first past it (a sign-in loop cannot fill memory). */
const maxTokens = 10_000;

/** Application tokens issued by the sign-in: random, in memory only, expiring. */
export class AppTokens {
  private readonly tokens = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(): string {
    this.sweep();
    if (this.tokens.size >= maxTokens) {
      const oldest = this.tokens.keys().next().value;
      if (oldest !== undefined) this.tokens.delete(oldest);
    }
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, this.now() + appTokenLifetimeS * 1000);
    return token;
  }

  valid(token: string | undefined): boolean {
    if (!token) return false;
    const expires = this.tokens.get(token);
    if (expires === undefined) return false;
    if (expires > this.now()) return true;
    this.tokens.delete(token);
    return false;
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, expires] of this.tokens) if (expires <= now) this.tokens.delete(token);
  }
}

/** Compares a presented secret with the expected one in constant time. */
export const sameSecret = (presented: unknown, expected: string): boolean => {
  if (typeof presented !== "string") return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};
