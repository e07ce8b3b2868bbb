import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Dossier } from "../../contract/dossier.js";
import { sleep } from "../../kernel/sleep.js";
import { sendError } from "../lib/errors.js";
import { parseOr400 } from "../lib/part-app.js";
import type { DossierNode } from "./node.js";
import type { Replication } from "./replication.js";
import type { StoreOp, StoreSnapshot } from "./store.js";

/**
 * Failback. A primary that was cut off and comes back has been replaced (a newer epoch is in charge) and may
 * hold writes it never got acknowledged, so it is not trusted as it is: the gateway tells it to rejoin, and it
 * is rebuilt as a follower of the acting primary, from a snapshot and then every op after it, after which it
 * can be promoted again when the acting primary is lost. The old primary's node reaches the other node only
 * through the replication link it dials (primary-standby), so the follower pulls: the acting primary hands
 * out its ops by long poll and counts an op as replicated once the follower's next pull says it applied it,
 * so with sync replication a write is acknowledged only once the follower has it, as with the standby.
 */
export class FollowerFeed implements Replication {
  private queue: StoreOp[] = [];
  private wake: (() => void) | null = null;
  private stopped = false;
  /** Nothing counts as replicated until the follower's first pull after its snapshot says it installed it. */
  private ackedSeq = 0;

  /** Writes still waiting on a feed this one replaces (the follower started over) wait on this one. */
  constructor(private waiters: Array<{ seq: number; resolve: () => void }> = []) {}

  /** Hands the writes still waiting over to the feed that replaces this one. */
  takeWaiters(): Array<{ seq: number; resolve: () => void }> {
    const w = this.waiters;
    this.waiters = [];
    return w;
  }

  get lag(): number {
    return this.queue.length;
  }

  enqueue(op: StoreOp): Promise<void> {
    this.queue.push(op);
    this.wake?.();
    return this.waitFor(op.seq);
  }

  waitFor(seq: number): Promise<void> {
    if (seq <= this.ackedSeq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  kick(): void {
    // The follower pulls; nothing to resend from here.
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** The follower applied everything up to `after`; returns what comes next, waiting up to `waitMs` for it. */
  async next(after: number, waitMs: number): Promise<StoreOp[]> {
    if (after > this.ackedSeq) {
      this.ackedSeq = after;
      this.queue = this.queue.filter((op) => op.seq > after);
      const ready = this.waiters.filter((w) => w.seq <= after);
      this.waiters = this.waiters.filter((w) => w.seq > after);
      for (const w of ready) w.resolve();
    }
    if (this.queue.length === 0 && !this.stopped)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    this.wake = null;
    return this.queue.slice(0, 500);
  }
}

interface FollowReply {
  snapshot?: StoreSnapshot;
  delivered?: string[];
  ops?: StoreOp[];
}

/** A snapshot replaces the follower's store and outbox; what the national portal already has is not resent. */
const install = (node: DossierNode, snapshot: StoreSnapshot, delivered: string[]): void => {
  node.store.install(snapshot);
  const { outbox } = node;
  if (!outbox) return;
  outbox.clear();
  outbox.observe({ seq: 0, kind: "delivered", messageIds: delivered });
  for (const dossier of snapshot.dossiers as Dossier[]) {
    outbox.observe({ seq: 0, kind: "create", dossier, counterKey: "", n: 0 });
    if (dossier.history.length > 1) outbox.observe({ seq: 0, kind: "update", dossier });
  }
};

/** The follower's loop: a snapshot first, then every op after it, until stopped (promotion, shutdown). */
const follow = (node: DossierNode, upstream: NonNullable<DossierNode["standby"]>) => {
  const following = {
    ready: false,
    stopped: false,
    stop() {
      following.stopped = true;
    },
  };
  void (async () => {
    let after = -1;
    while (!following.stopped) {
      try {
        const { status, body } = await upstream.json<FollowReply>("POST", "/replication/follow", {
          body: { epoch: node.state.epoch, after },
          timeoutMs: 5000,
        });
        if (following.stopped) break;
        if (status !== 200) {
          // The acting primary changed or lost the feed: start over from a snapshot.
          following.ready = false;
          after = -1;
          await sleep(200);
        } else if (body.snapshot) {
          install(node, body.snapshot, body.delivered ?? []);
          after = body.snapshot.seq;
          following.ready = true;
        } else {
          for (const op of body.ops ?? []) {
            if (op.seq <= node.store.lastSeq) continue;
            node.store.apply(op);
            node.outbox?.observe(op);
          }
          after = node.store.lastSeq;
        }
      } catch {
        await sleep(200);
      }
    }
  })();
  return following;
};

const RejoinRequest = z.object({ epoch: z.number().int().min(2) });
const FollowRequest = z.object({ epoch: z.number().int().min(1), after: z.number().int().min(-1) });

/**
 * `POST /admin/rejoin` (the gateway, to a node of an older epoch that is back): become a follower of the
 * acting primary. `POST /replication/follow` (a follower, to the acting primary): `after: -1` asks for a
 * snapshot, otherwise for the ops after `after`. An encapsulated plugin (`app.register`): routes only.
 */
export const rejoinRoutes = async (app: FastifyInstance, { node }: { node: DossierNode }) => {
  const { state, store, outbox } = node;
  app.post("/admin/rejoin", async (request, reply) => {
    const body = parseOr400(RejoinRequest, request.body, reply, "body");
    if (!body) return reply;
    const upstream = node.standby;
    if (!upstream) return sendError(reply, "BAD_REQUEST", "this node has no path to the acting primary");
    if (state.role === "standby" && body.epoch === state.epoch)
      return { role: state.role, epoch: state.epoch };
    if (body.epoch <= state.epoch)
      return sendError(reply, "FENCED", `epoch ${body.epoch} is not newer than ${state.epoch}`);
    state.epoch = body.epoch;
    state.role = "standby";
    node.replicator?.stop();
    node.replicator = null;
    outbox?.setActive(false);
    node.following?.stop();
    node.following = follow(node, upstream);
    return { role: state.role, epoch: state.epoch };
  });
  app.post("/replication/follow", async (request, reply) => {
    const body = parseOr400(FollowRequest, request.body, reply, "body");
    if (!body) return reply;
    if (state.role !== "primary" || body.epoch !== state.epoch)
      return sendError(reply, "FENCED", `this node is ${state.role} in epoch ${state.epoch}`);
    const feed = node.replicator;
    if (body.after < 0) {
      if (feed && !(feed instanceof FollowerFeed))
        return sendError(reply, "BAD_REQUEST", "this primary already replicates to its standby");
      feed?.stop();
      const snapshot = store.snapshot();
      node.replicator = new FollowerFeed(feed instanceof FollowerFeed ? feed.takeWaiters() : []);
      return { snapshot, delivered: outbox?.deliveredIds() ?? [] };
    }
    if (!(feed instanceof FollowerFeed))
      return sendError(reply, "BAD_REQUEST", "no follower feed: ask for a snapshot first (after: -1)");
    return { ops: await feed.next(body.after, 1000) };
  });
};
