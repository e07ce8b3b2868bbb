import type { FastifyInstance, FastifyReply } from "fastify";
import { maXacThuc, type Payment } from "../../contract/payment.js";
import { sendError } from "../lib/errors.js";
import type { Upstream } from "../lib/upstream.js";
import { type Ctx, operationsOn } from "./admission.js";
import type { GatewayShared } from "./shared.js";

/** The payments the portal has opened, by id (MaGiaoDich). */
export class PaymentBook {
  readonly byId = new Map<string, Payment>();

  /** Payments without a result callback yet. */
  get open(): number {
    return [...this.byId.values()].filter((p) => p.status === "pending" || p.status === "processing").length;
  }
}

export interface PaymentsOptions {
  shared: GatewayShared;
  book: PaymentBook;
  /** Shared with the payment platform: signs INIT and checks the result callback (MaXacThuc). */
  secret: string;
}

/** INIT on the payment platform for a dossier that exists; the payment is pending until its callback. */
const createPayment = async (
  { reply, body }: Ctx<"createPayment">,
  platform: Upstream,
  { shared, book, secret }: PaymentsOptions,
): Promise<unknown> => {
  const { router, calls, timeoutMs } = shared;
  try {
    const found = await router.read(`/dossiers/${encodeURIComponent(body.dossierCode)}`, timeoutMs);
    if (found.status !== 200) return calls.relay(reply, found, found.node);
    const NoiDung = `Le phi ho so ${body.dossierCode}`;
    const init = await platform.json<{ error_code?: string; MaGiaoDich?: string }>("POST", "/payment/init", {
      body: {
        MaThamChieu: body.dossierCode,
        SoTien: body.amountVnd,
        NoiDung,
        MaXacThuc: maXacThuc([body.dossierCode, body.amountVnd, NoiDung], secret),
      },
    });
    if (init.status !== 200 || !init.body?.MaGiaoDich)
      return sendError(reply, "UPSTREAM_UNAVAILABLE", `payment INIT answered ${init.status}`, 1);
    const p: Payment = {
      paymentId: init.body.MaGiaoDich,
      dossierCode: body.dossierCode,
      amountVnd: body.amountVnd,
      status: "pending",
      payUrl: `/api/v1/payments/${init.body.MaGiaoDich}/confirm`,
      createdAt: new Date().toISOString(),
    };
    book.byId.set(p.paymentId, p);
    return reply.code(201).send(p);
  } catch (e) {
    return calls.failed(reply, "payment", e);
  }
};

/**
 * The platform's signed result, recorded on the dossier first; only then is the payment settled here.
 * A result the dossier did not take is answered 503, so the platform retries the callback.
 */
const paymentCallback = async (
  { reply, body }: Ctx<"paymentCallback">,
  { shared, book, secret }: PaymentsOptions,
): Promise<unknown> => {
  const expected = maXacThuc([body.MaGiaoDich, body.MaThamChieu, body.SoTien, body.KetQua], secret);
  if (expected !== body.MaXacThuc) return sendError(reply, "BAD_CHECKSUM", "MaXacThuc does not match");
  const p = book.byId.get(body.MaGiaoDich);
  if (!p) return sendError(reply, "PAYMENT_NOT_FOUND", `no payment ${body.MaGiaoDich}`);
  if (p.status === "paid" || p.status === "failed") return { error_code: "00", message: "already recorded" };
  const result = body.KetQua === "00" ? "paid" : "failed";
  try {
    const r = await shared.router.write(
      `/dossiers/${encodeURIComponent(p.dossierCode)}/payments`,
      { paymentId: p.paymentId, amountVnd: p.amountVnd, result },
      {},
      shared.timeoutMs,
      shared.writeBudgetMs,
    );
    if (r.status !== 200) return sendError(reply, "UPSTREAM_UNAVAILABLE", `dossier answered ${r.status}`, 1);
  } catch (e) {
    return shared.calls.failed(reply, "dossier", e);
  }
  p.status = result;
  p.callbackAt = new Date().toISOString();
  return { error_code: "00", message: "ok" };
};

/**
 * The payment operations and their bookkeeping: INIT through the platform, the citizen's confirmation, the
 * lookup (served without taking an admission slot) and the signed callback. An encapsulated plugin
 * (`app.register`): it adds routes only; the book is passed in so /metrics can read it.
 */
export const payments = async (app: FastifyInstance, options: PaymentsOptions) => {
  const { shared, book } = options;
  const { calls } = shared;
  const platform = shared.links.payment;
  const operation = operationsOn(app, shared.admission);
  const unconfigured = (reply: FastifyReply) =>
    sendError(reply, "UPSTREAM_UNAVAILABLE", "payment is not configured", 1);
  operation("createPayment", async (ctx) =>
    platform ? createPayment(ctx, platform, options) : unconfigured(ctx.reply),
  );
  operation("confirmPayment", async ({ reply, params, body }) => {
    const p = book.byId.get(params.paymentId);
    if (!p) return sendError(reply, "PAYMENT_NOT_FOUND", `no payment ${params.paymentId}`);
    if (!platform) return unconfigured(reply);
    try {
      const path = `/payment/${encodeURIComponent(p.paymentId)}/confirm`;
      const r = await platform.request("POST", path, { body });
      if (r.status !== 202) return calls.relay(reply, r);
      if (p.status === "pending") p.status = "processing";
      return reply.code(202).send({ paymentId: p.paymentId, status: p.status });
    } catch (e) {
      return calls.failed(reply, "payment", e);
    }
  });
  operation(
    "getPayment",
    async ({ reply, params }) =>
      book.byId.get(params.paymentId) ??
      sendError(reply, "PAYMENT_NOT_FOUND", `no payment ${params.paymentId}`),
    false,
  );
  operation("paymentCallback", async (ctx) => paymentCallback(ctx, options));
};
