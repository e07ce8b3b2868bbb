import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { type OperationId, type OperationSpec, operations, routePath } from "../../contract/operations.js";
import { Admission, type AdmissionOptions } from "../lib/admission.js";
import { sendError } from "../lib/errors.js";
import { parseOr400 } from "../lib/part-app.js";
import type { VariantBehaviour } from "../variants.js";

/**
 * The gateway's bounded admission: at most 256 requests served at once, at most 512 waiting and none longer
 * than 80 ms; the rest are shed at once with 503 OVERLOADED + Retry-After. The unbounded-queue variant has
 * neither bound nor deadline.
 */
export const gatewayAdmission = (
  options: Partial<AdmissionOptions> | undefined,
  behaviour: VariantBehaviour,
): Admission =>
  new Admission({
    maxInFlight: options?.maxInFlight ?? 256,
    maxQueue: behaviour.boundedQueue ? (options?.maxQueue ?? 512) : Number.POSITIVE_INFINITY,
    maxQueueWaitMs: behaviour.boundedQueue ? (options?.maxQueueWaitMs ?? 80) : null,
  });

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;
/** A contract operation's request, parsed by its schemas. */
export interface Ctx<Id extends OperationId> {
  params: Infer<(typeof operations)[Id] extends { params: infer P } ? P : undefined>;
  query: Infer<(typeof operations)[Id] extends { query: infer Q } ? Q : undefined>;
  body: Infer<(typeof operations)[Id] extends { body: infer B } ? B : undefined>;
  headers: Infer<(typeof operations)[Id] extends { headers: infer H } ? H : undefined>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** Registers one contract operation; `admit: false` serves it without taking an admission slot. */
export type DefineOperation = <Id extends OperationId>(
  id: Id,
  serve: (ctx: Ctx<Id>) => Promise<unknown>,
  admit?: boolean,
) => void;

/** Parses every part of the request the operation declares; false when it answered 400. */
const parseRequest = (spec: OperationSpec, ctx: Record<string, unknown>, request: FastifyRequest) => {
  const parts = [
    ["params", spec.params, request.params],
    ["query", spec.query, request.query],
    ["headers", spec.headers, request.headers],
    ["body", spec.body, request.body ?? {}],
  ] as const;
  for (const [where, schema, value] of parts) {
    if (!schema) continue;
    const parsed = parseOr400(schema, value, ctx.reply as FastifyReply, where);
    if (parsed === undefined) return false;
    ctx[where] = parsed;
  }
  return true;
};

/**
 * Contract operations on `app`, the instance a plugin is given: validate, then admit through the shared
 * `admission`, then serve. A request is validated before it takes a slot, so a malformed one never queues;
 * the slot is given back as soon as the answer is ready.
 */
export const operationsOn =
  (app: FastifyInstance, admission: Admission): DefineOperation =>
  (id, serve, admit = true) => {
    const spec: OperationSpec = operations[id];
    app.route({
      method: spec.method.toUpperCase() as "GET" | "POST",
      url: routePath(spec.path),
      handler: async (request, reply) => {
        const ctx = { request, reply } as Ctx<typeof id>;
        if (!parseRequest(spec, ctx as unknown as Record<string, unknown>, request)) return reply;
        if (!admit) return serve(ctx);
        const release = await admission.acquire();
        if (!release) return sendError(reply, "OVERLOADED", "the portal is at capacity, retry later", 1);
        try {
          return await serve(ctx);
        } finally {
          release();
        }
      },
    });
  };
