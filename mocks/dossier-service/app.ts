import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  DossierKeyQuery,
  DossierParams,
  PaymentResultRequest,
  SubmitDossierRequest,
  SubmitHeaders,
  TransitionRequest,
} from "../../contract/dossier.js";
import { nationalErrorCodes } from "../../contract/sync.js";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";
import { sendError } from "../lib/errors.js";
import { createPartApp, parseOr400, registerPoolMetrics } from "../lib/part-app.js";
import { Upstream } from "../lib/upstream.js";
import { Outbox } from "./outbox.js";
import { Replicator } from "./replication.js";
import { DossierStore, type StoreOp } from "./store.js";

export interface DossierServiceOptions {
  role: "primary" | "standby";
  /** The portal's clock; a simulated date may be given, the code format never changes. */
  now?: () => Date;
  honourIdempotency?: boolean;
  /** Primary: the standby's replication endpoint, through the primary-standby link. */
  standbyUrl?: string;
  replication?: "sync" | "async";
  replicationIntervalMs?: number;
  /** How long a sync write waits for the standby before answering 503 (the client retries with its key). */
  replicationTimeoutMs?: number;
  /** Numbers a failover skips per counter; also the most a primary may hold unreplicated per counter. */
  codeGap?: number;
  /** The national portal, through the province-national link. */
  nationalUrl?: string;
  syncChecksErrorCode?: boolean;
  /** Writes hold a worker for `serviceTimeMs`; reads for `readServiceTimeMs`. */
  capacity?: CapacitySpec & { readServiceTimeMs?: number };
}

const PromoteRequest = z.object({ epoch: z.number().int().min(2) });
const ApplyRequest = z.object({
  epoch: z.number().int().min(1),
  ops: z.array(z.looseObject({ seq: z.number() })),
});

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T | "timeout"> =>
  new Promise((resolve) => {
    const t = setTimeout(() => resolve("timeout"), ms);
    void p.then((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });

/**
 * The dossier service, primary or standby: intake, lookup, officer transitions and payment results;
 * replication to the standby, promotion with epoch fencing, and the outbox to the national portal.
 * Returns the app without listening.
 */
export const buildApp = (options: DossierServiceOptions): FastifyInstance => {
  const { app, metrics } = createPartApp(`dossier-${options.role}`);
  const store = new DossierStore(options.now ?? (() => new Date()), options.honourIdempotency ?? true);
  const pool = new WorkerPool(options.capacity ?? { workers: 64, serviceTimeMs: 2 });
  const readMs = options.capacity?.readServiceTimeMs ?? 0;
  const codeGap = options.codeGap ?? 100;
  const replicationTimeoutMs = options.replicationTimeoutMs ?? 1500;
  const state = { role: options.role as "primary" | "standby" | "fenced", epoch: 1, failovers: 0 };
  const unreplicated = new Map<string, number>();
  /** Sequence numbers of dossiers whose creation the standby has not confirmed yet. */
  const createdSeq = new Map<string, number>();
  const counters = { created: 0, refusedBacklog: 0 };

  const standby = options.standbyUrl ? new Upstream(options.standbyUrl, 2000, 8) : null;
  const national = options.nationalUrl ? new Upstream(options.nationalUrl, 3000, 16) : null;
  let replicator: Replicator | null = null;

  const outbox = national
    ? new Outbox({
        national,
        credentials: { username: "tinh-mock", password: "synthetic-secret" },
        checkErrorCode: options.syncChecksErrorCode ?? true,
        onDelivered: (ids) => {
          if (replicator) void replicator.enqueue(store.markDelivered(ids));
        },
      })
    : null;

  if (options.role === "primary" && standby)
    replicator = new Replicator({
      standby,
      mode: options.replication ?? "sync",
      intervalMs: options.replicationIntervalMs ?? 0,
      epoch: () => state.epoch,
      onFenced: () => {
        state.role = "fenced";
        outbox?.setActive(false);
      },
    });
  outbox?.setActive(options.role === "primary");

  app.addHook("onClose", async () => {
    replicator?.stop();
    outbox?.stop();
    await Promise.all([standby?.close(), national?.close()]);
  });

  /** Commits an op: replicate (waiting in sync mode), then hand it to the outbox. */
  const commit = async (op: StoreOp): Promise<"ok" | "timeout"> => {
    if (replicator && options.replication !== "async") {
      const r = await withTimeout(replicator.enqueue(op), replicationTimeoutMs);
      if (r === "timeout") return "timeout";
    } else if (replicator) void replicator.enqueue(op);
    outbox?.observe(op);
    return "ok";
  };

  app.get("/healthz", async () => ({
    ok: true,
    role: state.role,
    epoch: state.epoch,
    dossiers: store.size,
    sync: outbox?.status() ?? null,
  }));

  const notPrimary = (reply: Parameters<typeof sendError>[0]) =>
    sendError(reply, "NOT_PRIMARY", `this dossier service is ${state.role} (epoch ${state.epoch})`, 1);

  app.post("/dossiers", async (request, reply) => {
    const headers = parseOr400(SubmitHeaders, request.headers, reply, "headers");
    if (!headers) return reply;
    const body = parseOr400(SubmitDossierRequest, request.body, reply, "body");
    if (!body) return reply;
    if (state.role !== "primary") return notPrimary(reply);
    const key = headers["idempotency-key"];
    return pool.run(async () => {
      const counterKey = store.counterKeyFor(body.agencyCode);
      const existing = options.honourIdempotency === false ? undefined : store.findByKey(key);
      if (existing) {
        // A retry of a write whose replication had not finished: acknowledge only once it has.
        if (replicator && options.replication !== "async") {
          replicator.kick();
          const r = await withTimeout(
            replicator.waitFor(createdSeq.get(existing.code) ?? 0),
            replicationTimeoutMs,
          );
          if (r === "timeout")
            return sendError(
              reply,
              "REPLICATION_UNAVAILABLE",
              `standby has not confirmed ${existing.code}`,
              1,
            );
        }
        return reply.code(200).send(existing);
      }
      if (replicator && (unreplicated.get(counterKey) ?? 0) >= codeGap - 1) {
        counters.refusedBacklog++;
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
      counters.created++;
      if (replicator) {
        createdSeq.set(result.dossier.code, result.op.seq);
        unreplicated.set(counterKey, (unreplicated.get(counterKey) ?? 0) + 1);
        void replicator.waitFor(result.op.seq).then(() => {
          createdSeq.delete(result.dossier.code);
          const left = (unreplicated.get(counterKey) ?? 1) - 1;
          if (left <= 0) unreplicated.delete(counterKey);
          else unreplicated.set(counterKey, left);
        });
      }
      if ((await commit(result.op)) === "timeout")
        return sendError(reply, "REPLICATION_UNAVAILABLE", "the standby did not confirm in time; retry", 1);
      return reply.code(201).send(result.dossier);
    });
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

  const change = async (
    reply: Parameters<typeof sendError>[0],
    run: () => ReturnType<DossierStore["transition"]>,
  ) => {
    if (state.role !== "primary") return notPrimary(reply);
    return pool.run(async () => {
      const result = run();
      if (result.kind === "not-found") return sendError(reply, "DOSSIER_NOT_FOUND", "no such dossier");
      if (result.kind === "illegal")
        return sendError(reply, "ILLEGAL_TRANSITION", `status ${result.from} cannot move to ${result.to}`);
      if ((await commit(result.op)) === "timeout")
        return sendError(reply, "REPLICATION_UNAVAILABLE", "the standby did not confirm in time; retry", 1);
      return result.dossier;
    });
  };

  app.post<{ Params: { code: string } }>("/dossiers/:code/transitions", async (request, reply) => {
    const params = parseOr400(DossierParams, request.params, reply, "params");
    if (!params) return reply;
    const body = parseOr400(TransitionRequest, request.body, reply, "body");
    if (!body) return reply;
    return change(reply, () => store.transition(params.code, body.toStatus, body.officerId, body.note));
  });

  app.post<{ Params: { code: string } }>("/dossiers/:code/payments", async (request, reply) => {
    const params = parseOr400(DossierParams, request.params, reply, "params");
    if (!params) return reply;
    const body = parseOr400(PaymentResultRequest, request.body, reply, "body");
    if (!body) return reply;
    return change(reply, () => store.recordPayment(params.code, body));
  });

  app.get("/sync/status", async (_request, reply) => {
    if (!outbox) return sendError(reply, "UPSTREAM_UNAVAILABLE", "no national sync configured", 1);
    return outbox.status();
  });

  app.get<{ Params: { code: string } }>("/sync/dossiers/:code", async (request, reply) => {
    const params = parseOr400(DossierParams, request.params, reply, "params");
    if (!params) return reply;
    if (!national) return sendError(reply, "UPSTREAM_UNAVAILABLE", "no national sync configured", 1);
    try {
      const { body } = await national.json<{ error_code: string; data?: { TrangThaiHoSo: number } }>(
        "GET",
        `/TraCuuHoSo?MaHoSo=${encodeURIComponent(params.code)}`,
        { timeoutMs: 3000 },
      );
      const found = body?.error_code === nationalErrorCodes.ok && body.data !== undefined;
      return { code: params.code, found, ...(found && body.data ? { status: body.data.TrangThaiHoSo } : {}) };
    } catch (e) {
      return sendError(reply, "UPSTREAM_UNAVAILABLE", `national portal: ${(e as Error).message}`, 1);
    }
  });

  app.post("/replication/apply", async (request, reply) => {
    const body = parseOr400(ApplyRequest, request.body, reply, "body");
    if (!body) return reply;
    if (state.role !== "standby" || body.epoch < state.epoch)
      return sendError(reply, "FENCED", `epoch ${state.epoch} is in charge; ${body.epoch} is fenced`);
    for (const raw of body.ops) {
      const op = raw as unknown as StoreOp;
      if (op.seq <= store.lastSeq) continue;
      store.apply(op);
      outbox?.observe(op);
    }
    return { appliedSeq: store.lastSeq };
  });

  app.post("/admin/promote", async (request, reply) => {
    const body = parseOr400(PromoteRequest, request.body, reply, "body");
    if (!body) return reply;
    if (state.role === "primary" && body.epoch === state.epoch)
      return { role: state.role, epoch: state.epoch };
    if (body.epoch <= state.epoch)
      return sendError(reply, "FENCED", `epoch ${body.epoch} is not newer than ${state.epoch}`);
    state.epoch = body.epoch;
    state.role = "primary";
    state.failovers++;
    store.promote(codeGap);
    outbox?.setActive(true);
    return { role: state.role, epoch: state.epoch };
  });

  registerPoolMetrics(metrics, pool);
  metrics.register("portal_dossier_role", "gauge", "1 for the role this node plays now", () => [
    { labels: { role: state.role }, value: 1 },
  ]);
  metrics.register("portal_dossier_epoch", "gauge", "failover epoch this node is in", () => state.epoch);
  metrics.register("portal_dossiers", "gauge", "dossiers held", () => store.size);
  metrics.register(
    "portal_dossier_created_total",
    "counter",
    "dossiers created here",
    () => counters.created,
  );
  metrics.register("portal_replication_lag_ops", "gauge", "store ops not yet applied on the standby", () =>
    replicator ? replicator.lag : 0,
  );
  metrics.register(
    "portal_replication_refused_total",
    "counter",
    "writes refused: replication backlog full",
    () => counters.refusedBacklog,
  );
  metrics.register("portal_sync_backlog", "gauge", "messages not yet delivered to the national portal", () =>
    outbox ? outbox.status().pending : 0,
  );
  metrics.register(
    "portal_sync_lag_seconds",
    "gauge",
    "age of the oldest undelivered national message",
    () => (outbox ? outbox.status().oldestPendingAgeMs / 1000 : 0),
  );
  metrics.register("portal_sync_delivered_total", "counter", "messages the national portal accepted", () =>
    outbox ? outbox.stats.delivered : 0,
  );
  metrics.register("portal_sync_failed_attempts_total", "counter", "failed national deliveries", () =>
    outbox ? outbox.stats.failedAttempts : 0,
  );
  return app;
};
