import type { GuardedHttp } from "../../engine/net/guarded-fetch.js";
import { sleep } from "../../kernel/sleep.js";

export type Lookup = { kind: "ok"; body: unknown } | { kind: "missing" } | { kind: "error"; detail: string };

/**
 * A Retry-After header's wait in ms: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or
 * unreadable.
 */
export const retryAfterMs = (value: string | undefined, now = Date.now()): number | null => {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
};

/** How the lookups went: the portal's requests to wait, and how long they made reconciliation wait. */
export interface LookupStats {
  requests: number;
  retryAfterAsked: number;
  retryAfterWaitedMs: number;
}

/**
 * GETs through the portal's lookup API, bounded: `attempts` tries each, a per-request timeout and one deadline
 * for the whole reconciliation. A refusal that says when to come back (429/503 with Retry-After) is retried
 * after that wait, as long as the wait ends before the deadline; other failures back off 200 ms, 400 ms, ...
 */
export class Lookups {
  readonly stats: LookupStats = { requests: 0, retryAfterAsked: 0, retryAfterWaitedMs: 0 };

  constructor(
    private readonly http: GuardedHttp,
    private readonly o: { timeoutMs: number; deadline: number; attempts?: number },
  ) {}

  get deadline(): number {
    return this.o.deadline;
  }

  async get(url: string): Promise<Lookup> {
    const attempts = this.o.attempts ?? 3;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > this.o.deadline) return { kind: "error", detail: "reconciliation time budget spent" };
      let asked: number | null = null;
      let detail: string;
      try {
        this.stats.requests++;
        const res = await this.http.get(url, this.o.timeoutMs);
        if (res.status === 200) return { kind: "ok", body: await res.json() };
        await res.discard();
        if (res.status === 404) return { kind: "missing" };
        detail = `HTTP ${res.status}`;
        if (res.status === 429 || res.status === 503) asked = retryAfterMs(res.header("retry-after"));
        if (asked !== null) {
          this.stats.retryAfterAsked++;
          if (Date.now() + asked > this.o.deadline)
            return {
              kind: "error",
              detail: `${detail}: Retry-After ${asked / 1000} s ends past the reconciliation budget`,
            };
        }
      } catch (e) {
        detail = (e as Error).message;
      }
      if (attempt + 1 >= attempts) return { kind: "error", detail };
      if (asked !== null) this.stats.retryAfterWaitedMs += asked;
      await sleep(asked ?? 200 * 2 ** attempt);
    }
  }
}

/** Runs `task` over items with bounded concurrency and a request-rate ceiling. */
export const throttled = async <T>(
  items: readonly T[],
  concurrency: number,
  maxPerS: number,
  task: (item: T) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      const item = items[i];
      if (item === undefined) return;
      const due = started + (i * 1000) / maxPerS;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
};

export interface PollOptions {
  /** Wall-clock ms after which items still unsettled stay so. */
  deadline: number;
  /** Pause between rounds over the items still unsettled. */
  pollEveryMs: number;
  concurrency: number;
  maxPerS: number;
}

/**
 * Asks about every item, then again about those not yet settled, round after round, until all are settled or
 * the deadline has passed (at least one round). Each round is rate-limited; rounds are paced by `pollEveryMs`.
 */
export const pollUntilSettled = async <T>(
  items: readonly T[],
  settled: (item: T) => Promise<boolean>,
  o: PollOptions,
): Promise<{ unsettled: T[]; rounds: number }> => {
  let pending = [...items];
  let rounds = 0;
  while (pending.length > 0) {
    rounds++;
    const still: T[] = [];
    await throttled(pending, o.concurrency, o.maxPerS, async (item) => {
      if (!(await settled(item))) still.push(item);
    });
    pending = still;
    const left = o.deadline - Date.now();
    if (pending.length === 0 || left <= 0) break;
    await sleep(Math.min(o.pollEveryMs, left));
  }
  return { unsettled: pending, rounds };
};
