import { sleep } from "k6";
import http, { type RefinedResponse, type ResponseType } from "k6/http";

/** Tags every request so analysis can split by journey, step and province. */
export type StepTags = {
  journey: string;
  step: string;
  province: string;
};

export interface PortalClient {
  get(path: string, tags: StepTags, name: string): RefinedResponse<ResponseType>;
  post(
    path: string,
    body: unknown,
    headers: Record<string, string>,
    tags: StepTags,
    name: string,
  ): RefinedResponse<ResponseType>;
}

export const portalClient = (baseUrl: string, timeoutS: number): PortalClient => ({
  get: (path, tags, name) =>
    http.get(`${baseUrl}${path}`, { tags: { ...tags, name }, timeout: `${timeoutS}s` }),
  post: (path, body, headers, tags, name) =>
    http.post(`${baseUrl}${path}`, JSON.stringify(body), {
      headers: { "content-type": "application/json", ...headers },
      tags: { ...tags, name },
      timeout: `${timeoutS}s`,
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
