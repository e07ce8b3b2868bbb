import http, { type RefinedResponse, type ResponseType } from "k6/http";
import { setTimeout } from "k6/timers";

/*
 * The one module that talks to `k6/http` (the seam): every journey request goes through `portalClient`, on
 * k6's async API. Blocking calls (`http.get`, `sleep`) would hold a whole worker of the engine, where many
 * VUs share one event loop, so requests and waits are promises the journeys await.
 */

/** Tags every request so analysis can split by journey, step and province. */
export type StepTags = {
  journey: string;
  step: string;
  province: string;
};

export type Response = RefinedResponse<ResponseType>;

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Statuses that are an expected answer, not a failed request (e.g. 409 MEETING_FULL); default 200–399. */
  expected?: number[];
}

export interface PortalClient {
  get(path: string, tags: StepTags, name: string, options?: RequestOptions): Promise<Response>;
  post(
    path: string,
    body: unknown,
    headers: Record<string, string>,
    tags: StepTags,
    name: string,
    options?: RequestOptions,
  ): Promise<Response>;
}

const params = (tags: StepTags, name: string, timeout: string, options: RequestOptions | undefined) => ({
  tags: { ...tags, name },
  timeout,
  ...(options?.expected ? { responseCallback: http.expectedStatuses(...options.expected) } : {}),
});

const makeClient = (baseUrl: string, timeoutS: number): PortalClient => {
  const timeout = `${timeoutS}s`;
  return {
    get: (path, tags, name, options) =>
      http.asyncRequest("GET", `${baseUrl}${path}`, null, {
        ...params(tags, name, timeout, options),
        ...(options?.headers ? { headers: options.headers } : {}),
      }),
    post: (path, body, headers, tags, name, options) =>
      http.asyncRequest("POST", `${baseUrl}${path}`, JSON.stringify(body), {
        ...params(tags, name, timeout, options),
        headers: { "content-type": "application/json", ...headers, ...options?.headers },
      }),
  };
};

/** Clients hold no state, so the VUs of a worker share one per entry. */
const clients = new Map<string, PortalClient>();

export const portalClient = (baseUrl: string, timeoutS: number): PortalClient => {
  const key = `${timeoutS} ${baseUrl}`;
  let client = clients.get(key);
  if (!client) {
    client = makeClient(baseUrl, timeoutS);
    clients.set(key, client);
  }
  return client;
};

/** Seconds to wait before a retry: the server's Retry-After when given (capped), else the backoff. */
export const retryDelayS = (retryAfter: string | undefined, backoffS: number, capS = 2): number => {
  const n = retryAfter === undefined ? Number.NaN : Number(retryAfter);
  return Math.min(Number.isFinite(n) && n >= 0 ? n : backoffS, capS);
};

/** Waits without holding the VU's worker: a timer of `k6/timers` the iteration awaits. */
export const pause = (seconds: number): Promise<void> =>
  seconds > 0 ? new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000)) : Promise.resolve();

/** The JSON body of a response, or null when it has none or it is not JSON. */
export const jsonBody = <T>(res: Response): T | null => {
  try {
    return res.json() as unknown as T;
  } catch {
    return null;
  }
};
