import { retryWaitMs } from "./metrics.js";
import { pause, type Response, retryDelayS, type StepTags } from "./portal-client.js";

/** Transport failures, shedding and unavailable parts: worth another attempt with the same request. */
export const isRetryable = (res: Response): boolean =>
  res.status === 0 || res.status === 429 || res.status === 502 || res.status === 503 || res.status === 504;

/** k6's error code for a request that was sent and then timed out waiting for its answer. */
const requestTimeout = 1050;

/**
 * Whether an attempt reached the portal: it got an HTTP answer, or it timed out after sending (the portal may
 * have acted on it). A refused or reset connection did not.
 */
export const reachedPortal = (res: Response): boolean => res.status > 0 || res.error_code === requestTimeout;

export interface RetryOptions {
  attempts: number;
  tags: StepTags;
  /** First backoff without a Retry-After; doubled after each attempt. */
  backoffS?: number;
  /** Whether this answer may be retried; `isRetryable` by default. Only for requests safe to repeat. */
  retryable?: (res: Response) => boolean;
}

/**
 * Sends `send` until it is not retryable or the attempts are spent, waiting the server's Retry-After (capped,
 * so a VU is never held for long) or the backoff. Each wait is a `retry_wait_ms` sample tagged with the
 * Retry-After the portal asked for and the status that caused it, so analysis can tell whether refusals
 * carried Retry-After and whether the load honoured it. `retriesAfterReach` counts the retries whose earlier
 * attempt reached the portal: the ones that put an idempotency key to the test.
 */
export const withRetries = async (
  send: (attempt: number) => Promise<Response>,
  options: RetryOptions,
): Promise<{ res: Response; attempts: number; retriesAfterReach: number }> => {
  const retryable = options.retryable ?? isRetryable;
  let backoff = options.backoffS ?? 0.25;
  let attempts = 0;
  let retriesAfterReach = 0;
  for (;;) {
    attempts++;
    const res = await send(attempts);
    if (attempts >= options.attempts || !retryable(res)) return { res, attempts, retriesAfterReach };
    if (reachedPortal(res)) retriesAfterReach++;
    const retryAfter = res.headers["Retry-After"];
    const waitS = retryDelayS(retryAfter, backoff);
    // The status says whether this was a refusal (429/503, where Retry-After belongs) or a transport failure.
    retryWaitMs.add(waitS * 1000, {
      ...options.tags,
      retry_after: retryAfter ?? "none",
      status: String(res.status),
    });
    await pause(waitS);
    backoff *= 2;
  }
};
