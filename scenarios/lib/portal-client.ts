import { sleep } from "k6";
import http, { type RefinedResponse, type ResponseType } from "k6/http";

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
  get(path: string, tags: StepTags, name: string, options?: RequestOptions): Response;
  post(
    path: string,
    body: unknown,
    headers: Record<string, string>,
    tags: StepTags,
    name: string,
    options?: RequestOptions,
  ): Response;
}

const params = (tags: StepTags, name: string, timeoutS: number, options: RequestOptions | undefined) => ({
  tags: { ...tags, name },
  timeout: `${timeoutS}s`,
  ...(options?.expected ? { responseCallback: http.expectedStatuses(...options.expected) } : {}),
});

export const portalClient = (baseUrl: string, timeoutS: number): PortalClient => ({
  get: (path, tags, name, options) =>
    http.get(`${baseUrl}${path}`, {
      ...params(tags, name, timeoutS, options),
      ...(options?.headers ? { headers: options.headers } : {}),
    }),
  post: (path, body, headers, tags, name, options) =>
    http.post(`${baseUrl}${path}`, JSON.stringify(body), {
      ...params(tags, name, timeoutS, options),
      headers: { "content-type": "application/json", ...headers, ...options?.headers },
    }),
});

/** Seconds to wait before a retry: the server's Retry-After when given (capped), else the backoff. */
export const retryDelayS = (retryAfter: string | undefined, backoffS: number, capS = 2): number => {
  const n = retryAfter === undefined ? Number.NaN : Number(retryAfter);
  return Math.min(Number.isFinite(n) && n >= 0 ? n : backoffS, capS);
};

export const pause = (seconds: number): void => {
  if (seconds > 0) sleep(seconds);
};

/** The JSON body of a response, or null when it has none or it is not JSON. */
export const jsonBody = <T>(res: Response): T | null => {
  try {
    return res.json() as unknown as T;
  } catch {
    return null;
  }
};
