import type { FastifyReply } from "fastify";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";
import { sendError } from "../lib/errors.js";
import { Upstream } from "../lib/upstream.js";
import { Outbox } from "./outbox.js";
import { type Replication, Replicator } from "./replication.js";
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

/**
 * One dossier node's state, made once by `buildApp()` and handed to its plugins: the store, the worker
 * pool, the role and epoch, replication to the standby and the outbox to the national portal.
 */
export interface DossierNode {
  store: DossierStore;
  pool: WorkerPool;
  /** Service time of a read; writes take the pool's own. */
  readMs: number;
  codeGap: number;
  honourIdempotency: boolean;
  /** Acknowledge a write only once the standby applied it (false: the async-replication defect). */
  syncReplication: boolean;
  replicationTimeoutMs: number;
  state: { role: "primary" | "standby" | "fenced"; epoch: number; failovers: number };
  /** Allocated but unreplicated codes, per agency and day. */
  unreplicated: Map<string, number>;
  /** Sequence numbers of dossiers whose creation the standby has not confirmed yet. */
  createdSeq: Map<string, number>;
  counters: { created: number; refusedBacklog: number };
  standby: Upstream | null;
  national: Upstream | null;
  /** Primary: what its writes wait on (the standby's replicator, or a rebuilt follower's feed); null: none. */
  replicator: Replication | null;
  outbox: Outbox | null;
  /** A node rebuilt as a follower of the acting primary (failback): ready once it holds the whole store. */
  following: { ready: boolean; stop(): void } | null;
}

export const createNode = (options: DossierServiceOptions): DossierNode => {
  const store = new DossierStore(options.now ?? (() => new Date()), options.honourIdempotency ?? true);
  const standby = options.standbyUrl ? new Upstream(options.standbyUrl, 2000, 8) : null;
  const national = options.nationalUrl ? new Upstream(options.nationalUrl, 3000, 16) : null;
  const node: DossierNode = {
    store,
    pool: new WorkerPool(options.capacity ?? { workers: 64, serviceTimeMs: 2 }),
    readMs: options.capacity?.readServiceTimeMs ?? 0,
    codeGap: options.codeGap ?? 100,
    honourIdempotency: options.honourIdempotency !== false,
    syncReplication: options.replication !== "async",
    replicationTimeoutMs: options.replicationTimeoutMs ?? 1500,
    state: { role: options.role, epoch: 1, failovers: 0 },
    unreplicated: new Map(),
    createdSeq: new Map(),
    counters: { created: 0, refusedBacklog: 0 },
    standby,
    national,
    replicator: null,
    outbox: null,
    following: null,
  };
  node.outbox = national
    ? new Outbox({
        national,
        credentials: { username: "tinh-mock", password: "synthetic-secret" },
        checkErrorCode: options.syncChecksErrorCode ?? true,
        onDelivered: (ids) => {
          if (node.replicator) void node.replicator.enqueue(store.markDelivered(ids));
        },
      })
    : null;
  if (options.role === "primary" && standby)
    node.replicator = new Replicator({
      standby,
      mode: options.replication ?? "sync",
      intervalMs: options.replicationIntervalMs ?? 0,
      epoch: () => node.state.epoch,
      onFenced: () => {
        node.state.role = "fenced";
        node.outbox?.setActive(false);
      },
    });
  node.outbox?.setActive(options.role === "primary");
  return node;
};

export const closeNode = async (node: DossierNode): Promise<void> => {
  node.replicator?.stop();
  node.following?.stop();
  node.outbox?.stop();
  await Promise.all([node.standby?.close(), node.national?.close()]);
};

export const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T | "timeout"> =>
  new Promise((resolve) => {
    const t = setTimeout(() => resolve("timeout"), ms);
    void p.then((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });

/** Commits an op: replicate (waiting in sync mode), then hand it to the outbox. */
export const commit = async (node: DossierNode, op: StoreOp): Promise<"ok" | "timeout"> => {
  const { replicator } = node;
  if (replicator && node.syncReplication) {
    const r = await withTimeout(replicator.enqueue(op), node.replicationTimeoutMs);
    if (r === "timeout") return "timeout";
  } else if (replicator) void replicator.enqueue(op);
  node.outbox?.observe(op);
  return "ok";
};

export const notPrimary = (node: DossierNode, reply: FastifyReply): FastifyReply =>
  sendError(
    reply,
    "NOT_PRIMARY",
    `this dossier service is ${node.state.role} (epoch ${node.state.epoch})`,
    1,
  );
