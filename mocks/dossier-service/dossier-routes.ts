import type { FastifyInstance, FastifyReply } from "fastify";
import {
  DossierKeyQuery,
  DossierParams,
  PaymentResultRequest,
  SubmitDossierRequest,
  SubmitHeaders,
  TransitionRequest,
} from "../../contract/dossier.js";
import { sendError } from "../lib/errors.js";
import { parseOr400 } from "../lib/part-app.js";
import { commit, type DossierNode, notPrimary, withTimeout } from "./node.js";
import type { DossierStore } from "./store.js";

/** A retry of a write whose replication had not finished: acknowledged only once it has; else answers 503. */
const acknowledgeExisting = async (
  node: DossierNode,
  reply: FastifyReply,
  code: string,
): Promise<FastifyReply | undefined> => {
  const { replicator } = node;
  if (replicator && node.syncReplication) {
    replicator.kick();
    const r = await withTimeout(
      replicator.waitFor(node.createdSeq.get(code) ?? 0),
      node.replicationTimeoutMs,
    );
    if (r === "timeout")
      return sendError(reply, "REPLICATION_UNAVAILABLE", `standby has not confirmed ${code}`, 1);
  }
  return undefined;
};

/** Keeps count of a new dossier's code until the standby has it, so the backlog per counter stays bounded. */
const trackUnreplicated = (node: DossierNode, code: string, seq: number, counterKey: string): void => {
  const { replicator, createdSeq, unreplicated } = node;
  if (!replicator) return;
  createdSeq.set(code, seq);
  unreplicated.set(counterKey, (unreplicated.get(counterKey) ?? 0) + 1);
  void replicator.waitFor(seq).then(() => {
    createdSeq.delete(code);
    const left = (unreplicated.get(counterKey) ?? 1) - 1;
    if (left <= 0) unreplicated.delete(counterKey);
    else unreplicated.set(counterKey, left);
  });
};

/** Intake on the primary: idempotent by key, at most `codeGap - 1` unreplicated codes per counter. */
const submit = (node: DossierNode, reply: FastifyReply, body: SubmitDossierRequest, key: string) =>
  node.pool.run(async () => {
    const { store } = node;
    const counterKey = store.counterKeyFor(body.agencyCode);
    const existing = node.honourIdempotency ? store.findByKey(key) : undefined;
    if (existing) {
      const refused = await acknowledgeExisting(node, reply, existing.code);
      return refused ?? reply.code(200).send(existing);
    }
    if (node.replicator && (node.unreplicated.get(counterKey) ?? 0) >= node.codeGap - 1) {
      node.counters.refusedBacklog++;
      return sendError(reply, "REPLICATION_UNAVAILABLE", "replication backlog is full for this agency", 1);
    }
    const result = store.submit(body, key);
    if (result.kind === "agency-limit")
      return sendError(
        reply,
        "AGENCY_DAILY_LIMIT",
        `agency ${result.agencyCode} reached 9999 dossiers on ${result.date}`,
      );
    if (result.kind === "existing") return reply.code(200).send(result.dossier);
    node.counters.created++;
    trackUnreplicated(node, result.dossier.code, result.op.seq, counterKey);
    if ((await commit(node, result.op)) === "timeout")
      return sendError(reply, "REPLICATION_UNAVAILABLE", "the standby did not confirm in time; retry", 1);
    return reply.code(201).send(result.dossier);
  });

/** An officer's transition or a payment result: primary only, committed like an intake. */
const change = async (
  node: DossierNode,
  reply: FastifyReply,
  run: () => ReturnType<DossierStore["transition"]>,
) => {
  if (node.state.role !== "primary") return notPrimary(node, reply);
  return node.pool.run(async () => {
    const result = run();
    if (result.kind === "not-found") return sendError(reply, "DOSSIER_NOT_FOUND", "no such dossier");
    if (result.kind === "illegal")
      return sendError(reply, "ILLEGAL_TRANSITION", `status ${result.from} cannot move to ${result.to}`);
    if ((await commit(node, result.op)) === "timeout")
      return sendError(reply, "REPLICATION_UNAVAILABLE", "the standby did not confirm in time; retry", 1);
    return result.dossier;
  });
};

/**
 * Intake, lookups, officer transitions and payment results. An encapsulated plugin (`app.register`): it adds
 * routes only, and shares the node's state through its options.
 */
export const dossierRoutes = async (app: FastifyInstance, { node }: { node: DossierNode }) => {
  const { store, pool, readMs } = node;
  app.post("/dossiers", async (request, reply) => {
    const headers = parseOr400(SubmitHeaders, request.headers, reply, "headers");
    if (!headers) return reply;
    const body = parseOr400(SubmitDossierRequest, request.body, reply, "body");
    if (!body) return reply;
    if (node.state.role !== "primary") return notPrimary(node, reply);
    return submit(node, reply, body, headers["idempotency-key"]);
  });
  app.get<{ Params: { code: string } }>("/dossiers/:code", async (request, reply) => {
    const params = parseOr400(DossierParams, request.params, reply, "params");
    if (!params) return reply;
    return pool.run(() => {
      const dossier = store.get(params.code);
      return dossier ?? sendError(reply, "DOSSIER_NOT_FOUND", `no dossier ${params.code}`);
    }, readMs);
  });
  app.get("/dossiers", async (request, reply) => {
    const query = parseOr400(DossierKeyQuery, request.query, reply, "query");
    if (!query) return reply;
    return pool.run(() => ({ items: store.byIdempotencyKey(query.idempotencyKey) }), readMs);
  });
  app.post<{ Params: { code: string } }>("/dossiers/:code/transitions", async (request, reply) => {
    const params = parseOr400(DossierParams, request.params, reply, "params");
    if (!params) return reply;
    const body = parseOr400(TransitionRequest, request.body, reply, "body");
    if (!body) return reply;
    return change(node, reply, () => store.transition(params.code, body.toStatus, body.officerId, body.note));
  });
  app.post<{ Params: { code: string } }>("/dossiers/:code/payments", async (request, reply) => {
    const params = parseOr400(DossierParams, request.params, reply, "params");
    if (!params) return reply;
    const body = parseOr400(PaymentResultRequest, request.body, reply, "body");
    if (!body) return reply;
    return change(node, reply, () => store.recordPayment(params.code, body));
  });
};
