import { Pool } from "undici";

/**
 * A keep-alive HTTP client to one other part (through its toxiproxy link). Every call has a deadline, so a
 * blackholed link costs a bounded wait, never a hung request.
 */
export interface UpstreamReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export class Upstream {
  private readonly pool: Pool;

  constructor(
    readonly baseUrl: string,
    private readonly defaultTimeoutMs: number,
    connections = 64,
  ) {
    this.pool = new Pool(baseUrl, { connections, pipelining: 1, connectTimeout: defaultTimeoutMs });
  }

  async request(
    method: "GET" | "POST",
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number | null } = {},
  ): Promise<UpstreamReply> {
    const timeout = options.timeoutMs === undefined ? this.defaultTimeoutMs : options.timeoutMs;
    // null: no deadline at all (the identity-cascade defect); undici's 0 disables its timers.
    const ms = timeout === null ? 0 : timeout;
    const signal = timeout === null ? undefined : AbortSignal.timeout(timeout);
    const res = await this.pool.request({
      method,
      path,
      headers: {
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      headersTimeout: ms,
      bodyTimeout: ms,
      ...(signal ? { signal } : {}),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  }

  async json<T>(
    method: "GET" | "POST",
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number | null } = {},
  ): Promise<{ status: number; body: T }> {
    const reply = await this.request(method, path, options);
    return { status: reply.status, body: (reply.text === "" ? null : JSON.parse(reply.text)) as T };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
