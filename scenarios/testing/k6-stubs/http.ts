/** A stand-in for `k6/http`: requests go to a handler the test sets, and are recorded. */
export interface StubRequest {
  method: string;
  url: string;
  body: string | null;
  params: {
    headers?: Record<string, string>;
    tags?: Record<string, string>;
    timeout?: string;
    responseCallback?: { expectedStatuses: number[] };
  };
}

export interface StubAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const requests: StubRequest[] = [];
let handler: (req: StubRequest) => StubAnswer = () => ({ status: 200, body: {} });

export const setHandler = (h: (req: StubRequest) => StubAnswer): void => {
  handler = h;
  requests.length = 0;
};

const respond = (req: StubRequest) => {
  requests.push(req);
  const answer = handler(req);
  const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
  return {
    status: answer.status,
    headers: answer.headers ?? {},
    body: text,
    json: (path?: string) => {
      const value = text === "" ? null : (JSON.parse(text) as Record<string, unknown>);
      return path === undefined ? value : value?.[path];
    },
  };
};

const http = {
  expectedStatuses: (...statuses: number[]) => ({ expectedStatuses: statuses }),
  get: (url: string, params: StubRequest["params"] = {}) =>
    respond({ method: "GET", url, body: null, params }),
  post: (url: string, body: string | null, params: StubRequest["params"] = {}) =>
    respond({ method: "POST", url, body, params }),
};

export default http;
