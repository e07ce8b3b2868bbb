import type { FastifyInstance, FastifyReply } from "fastify";
import type { Procedure } from "../../contract/procedure.js";
import { sendError } from "../lib/errors.js";
import type { VariantBehaviour } from "../variants.js";
import { type DefineOperation, operationsOn } from "./admission.js";
import { DossierRouter, type FailoverOptions } from "./failover.js";
import type { IdentityGate } from "./identity-gate.js";
import type { GatewayLinks } from "./links.js";
import type { GatewayShared } from "./shared.js";

/** The failover router over the two dossier nodes; the variant decides when (if ever) it promotes. */
export const createDossierRouter = (
  links: GatewayLinks,
  failover: Partial<FailoverOptions> | undefined,
  behaviour: VariantBehaviour,
): DossierRouter =>
  new DossierRouter(links.primary, links.standby, {
    healthIntervalMs: failover?.healthIntervalMs ?? 500,
    healthTimeoutMs: failover?.healthTimeoutMs ?? 400,
    failoverAfterMs:
      failover?.failoverAfterMs === undefined ? behaviour.failoverAfterMs : failover.failoverAfterMs,
  });

const catalogueRoutes = (operation: DefineOperation, catalogue: Procedure[]): void => {
  const byCode = new Map(catalogue.map((p) => [p.code, p]));
  operation("searchProcedures", async ({ query }) => {
    const q = (query.q ?? "").toLowerCase();
    const hits = catalogue.filter(
      (p) => (q === "" || p.name.toLowerCase().includes(q)) && (!query.level || p.level === query.level),
    );
    return { items: hits.slice(query.offset, query.offset + query.limit), total: hits.length };
  });
  operation(
    "getProcedure",
    async ({ params, reply }) =>
      byCode.get(params.code) ?? sendError(reply, "PROCEDURE_NOT_FOUND", `no procedure ${params.code}`),
  );
};

const identityRoutes = (operation: DefineOperation, identity: IdentityGate, shared: GatewayShared): void => {
  operation("oidcConfiguration", async ({ reply }) =>
    identity.relay(reply, "GET", "/.well-known/openid-configuration"),
  );
  operation("jwks", async ({ reply }) => identity.relay(reply, "GET", "/jwks"));
  operation("authorize", async ({ reply, body }) => identity.relay(reply, "POST", "/authorize", body));
  operation("token", async ({ reply, body }) => identity.relay(reply, "POST", "/token", body));
  operation("getCitizen", async ({ request, reply, params }) => {
    const sub = await identity.bearerSubject(request, reply);
    if (sub === "answered") return reply;
    if (sub === null) return sendError(reply, "UNAUTHORIZED", "a bearer token is required");
    if (sub !== params.citizenId) return sendError(reply, "FORBIDDEN", "a citizen may look up only themself");
    const { calls, links } = shared;
    return calls.call(reply, "population", links.population, "GET", `/citizens/${params.citizenId}`);
  });
};

/** Dossier traffic, all through the failover router: writes retried on the acting primary, reads fall back. */
const dossierRoutes = (operation: DefineOperation, identity: IdentityGate, shared: GatewayShared): void => {
  const { router, calls, timeoutMs } = shared;
  const read = async (reply: FastifyReply, path: string) => {
    try {
      const r = await router.read(path, timeoutMs);
      return calls.relay(reply, r, r.node);
    } catch (e) {
      return calls.failed(reply, "dossier", e);
    }
  };
  const write = async (reply: FastifyReply, ...args: Parameters<DossierRouter["write"]>) => {
    try {
      const r = await router.write(...args);
      return calls.relay(reply, r, r.node, true);
    } catch (e) {
      return calls.failed(reply, "dossier", e);
    }
  };
  operation("submitDossier", async ({ request, reply, body, headers }) => {
    const sub = await identity.bearerSubject(request, reply);
    if (sub === "answered") return reply;
    if (sub !== null && sub !== body.applicant.citizenId)
      return sendError(reply, "FORBIDDEN", "the applicant must be the signed-in citizen");
    const key = { "idempotency-key": headers["idempotency-key"] };
    return write(reply, "/dossiers", body, key, timeoutMs, shared.writeBudgetMs);
  });
  operation("getDossier", async ({ reply, params }) =>
    read(reply, `/dossiers/${encodeURIComponent(params.code)}`),
  );
  operation("findDossiersByKey", async ({ reply, query }) =>
    read(reply, `/dossiers?idempotencyKey=${encodeURIComponent(query.idempotencyKey)}`),
  );
  // Not retried: a repeated move could land on the new status and be refused as illegal, hiding success.
  operation("transitionDossier", async ({ reply, params, body }) =>
    write(
      reply,
      `/dossiers/${encodeURIComponent(params.code)}/transitions`,
      body,
      {},
      timeoutMs,
      timeoutMs,
      1,
    ),
  );
  operation("syncStatus", async ({ reply }) => read(reply, "/sync/status"));
  operation("nationalDossier", async ({ reply, params }) =>
    read(reply, `/sync/dossiers/${encodeURIComponent(params.code)}`),
  );
};

/** Documents, reporting and meetings: relayed to their part as they are. */
const officeRoutes = (operation: DefineOperation, { calls, links }: GatewayShared): void => {
  const { documents, reporting, meetings } = links;
  operation("createDocument", async ({ reply, body }) =>
    calls.call(reply, "documents", documents, "POST", "/documents", body),
  );
  operation("getDocument", async ({ reply, params }) =>
    calls.call(reply, "documents", documents, "GET", `/documents/${params.id}`),
  );
  operation("forwardDocument", async ({ reply, params, body }) =>
    calls.call(reply, "documents", documents, "POST", `/documents/${params.id}/forward`, body),
  );
  operation("signDocument", async ({ reply, params, body }) =>
    calls.call(reply, "documents", documents, "POST", `/documents/${params.id}/sign`, body),
  );
  operation("dossierReport", async ({ reply, query }) => {
    const qs = new URLSearchParams(
      Object.entries(query).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
    return calls.call(reply, "reporting", reporting, "GET", `/reports/dossiers?${qs.toString()}`);
  });
  operation("getMeeting", async ({ reply, params }) =>
    calls.call(reply, "meetings", meetings, "GET", `/meetings/${params.id}`),
  );
  operation("joinMeeting", async ({ reply, params, body }) =>
    calls.call(reply, "meetings", meetings, "POST", `/meetings/${params.id}/join`, body),
  );
  operation("leaveMeeting", async ({ reply, params, body }) =>
    calls.call(reply, "meetings", meetings, "POST", `/meetings/${params.id}/leave`, body),
  );
};

export interface RoutingOptions {
  shared: GatewayShared;
  identity: IdentityGate;
  catalogue: Procedure[];
}

/**
 * The contract operations the gateway routes to the parts: the catalogue (served here), identity, the
 * citizen lookup, dossiers through the failover router, documents, reporting and meetings. An encapsulated
 * plugin (`app.register`): it adds routes only, and routes are global, so nothing needs to escape it.
 */
export const routing = async (app: FastifyInstance, { shared, identity, catalogue }: RoutingOptions) => {
  const operation = operationsOn(app, shared.admission);
  catalogueRoutes(operation, catalogue);
  identityRoutes(operation, identity, shared);
  dossierRoutes(operation, identity, shared);
  officeRoutes(operation, shared);
};
