import Fastify, { type FastifyInstance } from "fastify";
import { DossierCode } from "../contract/common.js";
import { IdempotencyKey, SubmitDossierRequest } from "../contract/dossier.js";
import { sendError } from "../lib/errors.js";
import { DossierStore } from "./store.js";

export interface DossierServiceOptions {
  role: "primary" | "standby";
  /** The portal's clock; a simulated date may be given, the code format never changes. */
  now?: () => Date;
  honourIdempotency?: boolean;
}

/** The dossier service: intake, lookup by code and by idempotency key. Returns the app without listening. */
export const buildApp = (options: DossierServiceOptions): FastifyInstance => {
  const app = Fastify({ logger: false });
  const store = new DossierStore(options.now ?? (() => new Date()), options.honourIdempotency ?? true);

  app.get("/healthz", async () => ({ ok: true, role: options.role, dossiers: store.size }));

  app.post("/dossiers", async (request, reply) => {
    const key = IdempotencyKey.safeParse(request.headers["idempotency-key"]);
    if (!key.success) return sendError(reply, "BAD_REQUEST", "Idempotency-Key header: 8-100 characters");
    const body = SubmitDossierRequest.safeParse(request.body);
    if (!body.success) {
      const first = body.error.issues[0];
      return sendError(
        reply,
        "BAD_REQUEST",
        `${first?.path.join(".") ?? "body"}: ${first?.message ?? "invalid"}`,
      );
    }
    const result = store.submit(body.data, key.data);
    if (result.kind === "agency-limit")
      return sendError(
        reply,
        "AGENCY_DAILY_LIMIT",
        `agency ${result.agencyCode} reached 9999 dossiers on ${result.date}`,
      );
    return reply.code(result.kind === "created" ? 201 : 200).send(result.dossier);
  });

  app.get<{ Params: { code: string } }>("/dossiers/:code", async (request, reply) => {
    const code = DossierCode.safeParse(request.params.code);
    if (!code.success) return sendError(reply, "BAD_REQUEST", code.error.issues[0]?.message ?? "bad code");
    const dossier = store.get(code.data);
    if (!dossier) return sendError(reply, "DOSSIER_NOT_FOUND", `no dossier ${code.data}`);
    return dossier;
  });

  app.get<{ Querystring: { idempotencyKey?: string } }>("/dossiers", async (request, reply) => {
    const key = IdempotencyKey.safeParse(request.query.idempotencyKey);
    if (!key.success) return sendError(reply, "BAD_REQUEST", "idempotencyKey query: 8-100 characters");
    return { items: store.byIdempotencyKey(key.data) };
  });

  return app;
};
