import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ConfirmPaymentRequest, maXacThuc, PaymentInitRequest } from "../../contract/payment.js";
import { sendError } from "../lib/errors.js";
import type { Metrics } from "../lib/metrics.js";
import { createPartApp, parseOr400, registerPoolMetrics } from "../lib/part-app.js";
import { type PaymentOptions, Platform } from "./platform.js";

export type { PaymentOptions } from "./platform.js";

const IdParams = z.object({ id: z.string().regex(/^GD-[0-9A-Za-z-]{1,60}$/) });

/** INIT, the citizen's confirmation and the lookup. An encapsulated plugin (`app.register`): routes only. */
const platformRoutes = async (app: FastifyInstance, { platform }: { platform: Platform }) => {
  const { pool, txns, stats, options } = platform;
  app.get("/healthz", async () => ({ ok: true }));
  app.post("/payment/init", async (request, reply) => {
    const body = parseOr400(PaymentInitRequest, request.body, reply, "body");
    if (!body) return reply;
    return pool.run(() => {
      const expected = maXacThuc([body.MaThamChieu, body.SoTien, body.NoiDung], options.secret);
      if (expected !== body.MaXacThuc) {
        stats.badChecksum++;
        return sendError(reply, "BAD_CHECKSUM", "MaXacThuc does not match the fields and the shared secret");
      }
      const id = `GD-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
      txns.set(id, {
        id,
        reference: body.MaThamChieu,
        amount: body.SoTien,
        status: "initiated",
        createdAt: new Date().toISOString(),
        callbackAttempts: 0,
        callbackDelivered: false,
      });
      stats.initiated++;
      return { error_code: "00", message: "ok", MaGiaoDich: id, UrlThanhToan: `/payment/pay/${id}` };
    });
  });
  app.post<{ Params: { id: string } }>("/payment/:id/confirm", async (request, reply) => {
    const params = parseOr400(IdParams, request.params, reply, "params");
    if (!params) return reply;
    const body = parseOr400(ConfirmPaymentRequest, request.body ?? {}, reply, "body");
    if (!body) return reply;
    const t = txns.get(params.id);
    if (!t) return sendError(reply, "PAYMENT_NOT_FOUND", `no transaction ${params.id}`);
    if (t.status === "initiated") {
      t.status = "processing";
      platform.later(options.settleMs ?? 50, () => {
        t.status = body.outcome === "success" ? "paid" : "failed";
        platform.sendCallback(t, 1);
      });
    }
    return reply.code(202).send({ paymentId: t.id, status: t.status });
  });
  app.get<{ Params: { id: string } }>("/payment/:id", async (request, reply) => {
    const params = parseOr400(IdParams, request.params, reply, "params");
    if (!params) return reply;
    const t = txns.get(params.id);
    return t ?? sendError(reply, "PAYMENT_NOT_FOUND", `no transaction ${params.id}`);
  });
};

const registerPaymentMetrics = (metrics: Metrics, { pool, stats }: Platform): void => {
  registerPoolMetrics(metrics, pool);
  metrics.register("portal_payment_initiated_total", "counter", "payments initiated", () => stats.initiated);
  metrics.register(
    "portal_payment_bad_checksum_total",
    "counter",
    "INITs refused for MaXacThuc",
    () => stats.badChecksum,
  );
  metrics.register(
    "portal_payment_callbacks_delivered_total",
    "counter",
    "callbacks the portal accepted",
    () => stats.callbacksDelivered,
  );
  metrics.register(
    "portal_payment_callbacks_failed_total",
    "counter",
    "callback attempts that failed",
    () => stats.callbacksFailed,
  );
  metrics.register(
    "portal_payment_callbacks_dropped_total",
    "counter",
    "results never delivered",
    () => stats.callbacksDropped,
  );
};

/**
 * The payment platform: INIT checked with MaXacThuc, a simulated bank step, and the result sent to the
 * portal by an asynchronous, signed callback.
 */
export const buildApp = (options: PaymentOptions): FastifyInstance => {
  const { app, metrics } = createPartApp("payment");
  const platform = new Platform(options);
  app.addHook("onClose", async () => platform.close());
  void app.register(platformRoutes, { platform });
  registerPaymentMetrics(metrics, platform);
  return app;
};
