import type { FastifyReply } from "fastify";
import { sendError } from "../lib/errors.js";
import { Upstream, type UpstreamReply } from "../lib/upstream.js";

/** Base URLs of the other parts, each the listen address of the part's own toxiproxy link. */
export interface GatewayUpstreams {
  dossierPrimary: string;
  dossierStandby?: string;
  identity?: string;
  population?: string;
  payment?: string;
  documents?: string;
  reporting?: string;
  meetings?: string;
}

/** One keep-alive client per link; null where that part is not configured. */
export interface GatewayLinks {
  primary: Upstream;
  standby: Upstream | null;
  identity: Upstream | null;
  population: Upstream | null;
  payment: Upstream | null;
  documents: Upstream | null;
  reporting: Upstream | null;
  meetings: Upstream | null;
}

export const openLinks = (u: GatewayUpstreams, timeoutMs: number): GatewayLinks => {
  const part = (url: string | undefined, connections = 32) =>
    url ? new Upstream(url, timeoutMs, connections) : null;
  return {
    primary: new Upstream(u.dossierPrimary, timeoutMs, 128),
    standby: u.dossierStandby ? new Upstream(u.dossierStandby, timeoutMs, 128) : null,
    identity: part(u.identity),
    population: part(u.population),
    payment: part(u.payment),
    documents: part(u.documents),
    reporting: part(u.reporting, 8),
    meetings: part(u.meetings),
  };
};

export const closeLinks = async (links: GatewayLinks): Promise<void> => {
  await Promise.all(Object.values(links).map((x: Upstream | null) => x?.close()));
};

/** Counters the gateway's plugins update and its /metrics reads. */
export interface GatewayCounters {
  upstreamErrors: Map<string, number>;
  identityRejected: number;
  /** Successful dossier writes, by the node that took them. */
  writes: { primary: number; standby: number };
}

/** Forwarding a part's answer to the client, and answering for a part that could not be reached. */
export class PartCalls {
  constructor(private readonly counters: GatewayCounters) {}

  relay(reply: FastifyReply, r: UpstreamReply, node?: "primary" | "standby", write = false): FastifyReply {
    if (node) void reply.header("x-portal-node", node);
    if (write && node && r.status >= 200 && r.status < 300) this.counters.writes[node]++;
    const retryAfter = r.headers["retry-after"];
    if (typeof retryAfter === "string") void reply.header("retry-after", retryAfter);
    return reply.code(r.status).header("content-type", "application/json; charset=utf-8").send(r.text);
  }

  failed(reply: FastifyReply, partName: string, e: unknown): FastifyReply {
    const errors = this.counters.upstreamErrors;
    errors.set(partName, (errors.get(partName) ?? 0) + 1);
    return sendError(reply, "UPSTREAM_UNAVAILABLE", `${partName}: ${(e as Error).message}`, 1);
  }

  /** One call to a part and its answer relayed as it is. */
  async call(
    reply: FastifyReply,
    name: string,
    upstream: Upstream | null,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<FastifyReply> {
    if (!upstream) return sendError(reply, "UPSTREAM_UNAVAILABLE", `${name} is not configured`, 1);
    try {
      return this.relay(reply, await upstream.request(method, path, body === undefined ? {} : { body }));
    } catch (e) {
      return this.failed(reply, name, e);
    }
  }
}
