import type { FastifyReply, FastifyRequest } from "fastify";
import { Admission } from "../lib/admission.js";
import { sendError } from "../lib/errors.js";
import type { Upstream, UpstreamReply } from "../lib/upstream.js";
import type { GatewayCounters, PartCalls } from "./links.js";

export interface IdentityBulkheadSpec {
  maxInFlight: number;
  maxQueue: number;
  timeoutMs: number;
}

export const defaultIdentityBulkhead: IdentityBulkheadSpec = {
  maxInFlight: 32,
  maxQueue: 64,
  timeoutMs: 1000,
};

class IdentityUnavailable extends Error {}

/**
 * Calls to identity behind their own bulkhead and timeout, so a slow identity service cannot hold the
 * gateway's admission slots; without them (`bulkhead` null: the identity-cascade defect) it can.
 */
export class IdentityGate {
  private readonly bulkhead: Admission | null;

  constructor(
    private readonly identity: Upstream | null,
    private readonly spec: IdentityBulkheadSpec | null,
    private readonly counters: GatewayCounters,
    private readonly calls: PartCalls,
  ) {
    this.bulkhead = spec
      ? new Admission({ maxInFlight: spec.maxInFlight, maxQueue: spec.maxQueue, maxQueueWaitMs: 200 })
      : null;
  }

  async call(method: "GET" | "POST", path: string, body?: unknown): Promise<UpstreamReply> {
    if (!this.identity) throw new IdentityUnavailable("identity is not configured");
    const withBody = body === undefined ? {} : { body };
    if (!this.bulkhead || !this.spec)
      return this.identity.request(method, path, { ...withBody, timeoutMs: null });
    const release = await this.bulkhead.acquire();
    if (!release) {
      this.counters.identityRejected++;
      throw new IdentityUnavailable("identity bulkhead full");
    }
    try {
      return await this.identity.request(method, path, { ...withBody, timeoutMs: this.spec.timeoutMs });
    } catch (e) {
      throw new IdentityUnavailable((e as Error).message);
    } finally {
      release();
    }
  }

  /** Identity's answer relayed to the client, or 503 IDENTITY_UNAVAILABLE. */
  async relay(
    reply: FastifyReply,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<FastifyReply> {
    try {
      return this.calls.relay(reply, await this.call(method, path, body));
    } catch (e) {
      return sendError(reply, "IDENTITY_UNAVAILABLE", (e as Error).message, 1);
    }
  }

  /** The citizen a bearer token belongs to, null without a token; answers 401/503 itself when it fails. */
  async bearerSubject(request: FastifyRequest, reply: FastifyReply): Promise<string | null | "answered"> {
    const header = request.headers.authorization;
    if (!header) return null;
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      sendError(reply, "UNAUTHORIZED", "Authorization: Bearer <token>");
      return "answered";
    }
    try {
      const r = await this.call("POST", "/introspect", { token });
      const body = JSON.parse(r.text) as { active?: boolean; sub?: string };
      if (r.status === 200 && body.active && body.sub) return body.sub;
      sendError(reply, "UNAUTHORIZED", "the token is not active");
    } catch (e) {
      sendError(reply, "IDENTITY_UNAVAILABLE", (e as Error).message, 1);
    }
    return "answered";
  }
}
