import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ConfirmPaymentRequest, maXacThuc, PaymentInitRequest } from "../../contract/payment.js";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";
import { sendError } from "../lib/errors.js";
import { createPartApp, parseOr400, registerPoolMetrics } from "../lib/part-app.js";
import { Upstream } from "../lib/upstream.js";

export interface PaymentOptions {
  secret: string;
  /** The portal's callback receiver, through the payment-callback link. */
  callbackUrl?: string;
  /** Retry a failed callback with backoff; false is the payment-callback-lost defect. */
  callbackRetries?: boolean;
  /** Time the bank takes before the result is known. */
  settleMs?: number;
  capacity?: CapacitySpec;
}

interface Transaction {
  id: string;
  reference: string;
  amount: number;
  status: "initiated" | "processing" | "paid" | "failed";
  callbackAttempts: number;
  callbackDelivered: boolean;
}

const IdParams = z.object({ id: z.string().regex(/^GD-[0-9A-Za-z-]{1,60}$/) });

/**
 * The payment platform: INIT checked with MaXacThuc, a simulated bank step, and the result sent to the
 * portal by an asynchronous, signed callback.
 */
export const buildApp = (options: PaymentOptions): FastifyInstance => {
  const { app, metrics } = createPartApp("payment");
  const pool = new WorkerPool(options.capacity ?? { workers: 16, serviceTimeMs: 5 });
  const portal = options.callbackUrl ? new Upstream(options.callbackUrl, 3000, 8) : null;
  const retries = options.callbackRetries ?? true;
  const txns = new Map<string, Transaction>();
  const timers = new Set<NodeJS.Timeout>();
  const stats = {
    initiated: 0,
    badChecksum: 0,
    callbacksDelivered: 0,
    callbacksFailed: 0,
    callbacksDropped: 0,
  };
  let closed = false;

  const later = (ms: number, run: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) run();
    }, ms);
    timers.add(t);
  };
  app.addHook("onClose", async () => {
    closed = true;
    for (const t of timers) clearTimeout(t);
    await portal?.close();
  });

  const sendCallback = (t: Transaction, attempt: number): void => {
    if (!portal) return;
    t.callbackAttempts++;
    const KetQua = t.status === "paid" ? "00" : "01";
    const body = {
      MaGiaoDich: t.id,
      MaThamChieu: t.reference,
      SoTien: t.amount,
      KetQua,
      MaXacThuc: maXacThuc([t.id, t.reference, t.amount, KetQua], options.secret),
    };
    void portal
      .json<{ error_code?: string }>("POST", "/api/v1/payments/callback", { body, timeoutMs: 3000 })
      .then(({ status, body: reply }) => status === 200 && reply?.error_code === "00")
      .catch(() => false)
      .then((ok) => {
        if (ok) {
          t.callbackDelivered = true;
          stats.callbacksDelivered++;
          return;
        }
        stats.callbacksFailed++;
        // Bounded: 12 attempts over about 40 s, then the platform gives up.
        if (retries && attempt < 12)
          later(Math.min(200 * 2 ** attempt, 5000), () => sendCallback(t, attempt + 1));
        else stats.callbacksDropped++;
      });
  };

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
      later(options.settleMs ?? 50, () => {
        t.status = body.outcome === "success" ? "paid" : "failed";
        sendCallback(t, 1);
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
  return app;
};
