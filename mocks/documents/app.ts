import type { FastifyInstance } from "fastify";
import {
  CreateDocumentRequest,
  DocumentParams,
  type DocumentRecord,
  ForwardDocumentRequest,
  SignDocumentRequest,
} from "../../contract/platforms.js";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";
import { sendError } from "../lib/errors.js";
import { createPartApp, parseOr400, registerPoolMetrics } from "../lib/part-app.js";

/** Document management: draft, forward to another officer, sign by the holder; a signed document is final. */
export const buildApp = (options: { capacity?: CapacitySpec } = {}): FastifyInstance => {
  const { app, metrics } = createPartApp("documents");
  const pool = new WorkerPool(options.capacity ?? { workers: 16, serviceTimeMs: 5 });
  const docs = new Map<string, DocumentRecord>();
  let next = 1;

  app.get("/healthz", async () => ({ ok: true }));

  app.post("/documents", async (request, reply) => {
    const body = parseOr400(CreateDocumentRequest, request.body, reply, "body");
    if (!body) return reply;
    return pool.run(() => {
      const doc: DocumentRecord = {
        id: `VB-${next++}`,
        dossierCode: body.dossierCode,
        title: body.title,
        state: "draft",
        holder: body.officerId,
        history: [{ action: "draft", by: body.officerId, at: new Date().toISOString() }],
      };
      docs.set(doc.id, doc);
      return reply.code(201).send(doc);
    });
  });

  app.get<{ Params: { id: string } }>("/documents/:id", async (request, reply) => {
    const params = parseOr400(DocumentParams, request.params, reply, "params");
    if (!params) return reply;
    return docs.get(params.id) ?? sendError(reply, "DOCUMENT_NOT_FOUND", `no document ${params.id}`);
  });

  const act = (
    id: string,
    reply: Parameters<typeof sendError>[0],
    by: string,
    change: (doc: DocumentRecord) => DocumentRecord,
  ) =>
    pool.run(() => {
      const doc = docs.get(id);
      if (!doc) return sendError(reply, "DOCUMENT_NOT_FOUND", `no document ${id}`);
      if (doc.state === "signed") return sendError(reply, "DOCUMENT_ALREADY_SIGNED", `${id} is signed`);
      if (doc.holder !== by) return sendError(reply, "NOT_HOLDER", `${id} is held by ${doc.holder}`);
      const updated = change(doc);
      docs.set(id, updated);
      return updated;
    });

  app.post<{ Params: { id: string } }>("/documents/:id/forward", async (request, reply) => {
    const params = parseOr400(DocumentParams, request.params, reply, "params");
    if (!params) return reply;
    const body = parseOr400(ForwardDocumentRequest, request.body, reply, "body");
    if (!body) return reply;
    return act(params.id, reply, body.fromOfficerId, (doc) => ({
      ...doc,
      state: "forwarded",
      holder: body.toOfficerId,
      history: [
        ...doc.history,
        { action: `forward:${body.toOfficerId}`, by: body.fromOfficerId, at: new Date().toISOString() },
      ],
    }));
  });

  app.post<{ Params: { id: string } }>("/documents/:id/sign", async (request, reply) => {
    const params = parseOr400(DocumentParams, request.params, reply, "params");
    if (!params) return reply;
    const body = parseOr400(SignDocumentRequest, request.body, reply, "body");
    if (!body) return reply;
    return act(params.id, reply, body.officerId, (doc) => ({
      ...doc,
      state: "signed",
      history: [...doc.history, { action: "sign", by: body.officerId, at: new Date().toISOString() }],
    }));
  });

  registerPoolMetrics(metrics, pool);
  metrics.register("portal_documents", "gauge", "documents held", () => docs.size);
  return app;
};
