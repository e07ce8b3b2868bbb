import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { DossierParams } from "../../contract/dossier.js";
import { nationalErrorCodes } from "../../contract/sync.js";
import { sendError } from "../lib/errors.js";
import { parseOr400 } from "../lib/part-app.js";
import type { DossierNode } from "./node.js";
import type { StoreOp } from "./store.js";

const PromoteRequest = z.object({ epoch: z.number().int().min(2) });
const ApplyRequest = z.object({
  epoch: z.number().int().min(1),
  ops: z.array(z.looseObject({ seq: z.number() })),
});

/** The national portal's view of one dossier, read through the province-national link. */
const nationalView = (app: FastifyInstance, { national }: DossierNode): void => {
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
};

/**
 * The node itself: health, the outbox's status and the national view, the standby's replication endpoint
 * and promotion with epoch fencing. An encapsulated plugin (`app.register`): routes only.
 */
export const nodeRoutes = async (app: FastifyInstance, { node }: { node: DossierNode }) => {
  const { store, state, outbox } = node;
  app.get("/healthz", async () => ({
    ok: true,
    role: state.role,
    epoch: state.epoch,
    dossiers: store.size,
    sync: outbox?.status() ?? null,
    following: node.following ? { ready: node.following.ready } : null,
  }));
  app.get("/sync/status", async (_request, reply) => {
    if (!outbox) return sendError(reply, "UPSTREAM_UNAVAILABLE", "no national sync configured", 1);
    return outbox.status();
  });
  nationalView(app, node);
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
    if (node.following && !node.following.ready)
      return sendError(reply, "FENCED", "this node is still being rebuilt from the acting primary");
    state.epoch = body.epoch;
    state.role = "primary";
    state.failovers++;
    // A rebuilt follower stops following; until a standby is rebuilt it acknowledges writes alone.
    node.following?.stop();
    node.following = null;
    store.promote(node.codeGap);
    outbox?.setActive(true);
    return { role: state.role, epoch: state.epoch };
  });
};
