import type { FastifyInstance, FastifyReply } from "fastify";
import { maXacThuc, type Payment } from "../../contract/payment.js";
import { sendError } from "../lib/errors.js";
import type { Upstream } from "../lib/upstream.js";
import { type Ctx, operationsOn } from "./admission.js";
import type { GatewayShared } from "./shared.js";

/** The payment platform's transaction, as its lookup (`GET /payment/{id}`) answers. */
interface PlatformTransaction {
  id: string;
  reference: string;
  amount: number;
  status: "initiated" | "processing" | "paid" | "failed";
  createdAt?: string;
}

/**
 * The payments the portal has opened, by id (MaGiaoDich). Only a cache: the truth is the payment platform's
 * transaction and the result recorded on the dossier, so a restarted gateway rebuilds a payment it does not
 * know from them the first time it is asked (`find`), as a deployment whose gateway is stateless would.
 */
export class PaymentBook {
  readonly byId = new Map<string, Payment>();
  /** Payments rebuilt from the platform and the dossier after a restart. */
  rebuilt = 0;

  /** Payments without a result callback yet (of those this gateway has seen since it started). */
  get open(): number {
    return [...this.byId.values()].filter((p) => p.status === "pending" || p.status === "processing").length;
  }

  /** The payment, from the cache or rebuilt from the platform and its dossier; null when the platform has none. */
  async find(id: string, platform: Upstream, shared: GatewayShared): Promise<Payment | null> {
    const known = this.byId.get(id);
    if (known) return known;
    const t = await platform.json<PlatformTransaction>("GET", `/payment/${encodeURIComponent(id)}`, {
      timeoutMs: shared.timeoutMs,
    });
    if (t.status === 404) return null;
    if (t.status !== 200) throw new Error(`the payment platform's lookup answered ${t.status}`);
    const found = await shared.router.read(
      `/dossiers/${encodeURIComponent(t.body.reference)}`,
      shared.timeoutMs,
    );
    if (found.status !== 200) throw new Error(`the dossier of payment ${id} answered ${found.status}`);
    const dossier = JSON.parse(found.text) as {
      payments?: Array<{ paymentId: string; result: "paid" | "failed"; at: string }>;
    };
    const recorded = dossier.payments?.find((r) => r.paymentId === id);
    // Settled only once the result is on the dossier; until then the platform's callback is still to come.
    const status = recorded ? recorded.result : t.body.status === "initiated" ? "pending" : "processing";
    const p: Payment = {
      paymentId: id,
      dossierCode: t.body.reference,
      amountVnd: t.body.amount,
      status,
      payUrl: `/api/v1/payments/${id}/confirm`,
      createdAt: t.body.createdAt ?? new Date().toISOString(),
      ...(recorded ? { callbackAt: recorded.at } : {}),
    };
    const raced = this.byId.get(id);
    if (raced) return raced;
    this.byId.set(id, p);
    this.rebuilt++;
    return p;
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
  platform: Upstream,
  { shared, book, secret }: PaymentsOptions,
): Promise<unknown> => {
  const expected = maXacThuc([body.MaGiaoDich, body.MaThamChieu, body.SoTien, body.KetQua], secret);
  if (expected !== body.MaXacThuc) return sendError(reply, "BAD_CHECKSUM", "MaXacThuc does not match");
  const result = body.KetQua === "00" ? "paid" : "failed";
  try {
    const p = await book.find(body.MaGiaoDich, platform, shared);
    if (!p) return sendError(reply, "PAYMENT_NOT_FOUND", `no payment ${body.MaGiaoDich}`);
    if (p.status === "paid" || p.status === "failed")
      return { error_code: "00", message: "already recorded" };
    const r = await shared.router.write(
      `/dossiers/${encodeURIComponent(p.dossierCode)}/payments`,
      { paymentId: p.paymentId, amountVnd: p.amountVnd, result },
      {},
      shared.timeoutMs,
      shared.writeBudgetMs,
    );
    if (r.status !== 200) return sendError(reply, "UPSTREAM_UNAVAILABLE", `dossier answered ${r.status}`, 1);
    p.status = result;
    p.callbackAt = new Date().toISOString();
    return { error_code: "00", message: "ok" };
  } catch (e) {
    return shared.calls.failed(reply, "dossier", e);
  }
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
    if (!platform) return unconfigured(reply);
    try {
      const p = await book.find(params.paymentId, platform, shared);
      if (!p) return sendError(reply, "PAYMENT_NOT_FOUND", `no payment ${params.paymentId}`);
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
    async ({ reply, params }) => {
      if (!platform) return unconfigured(reply);
      try {
        return (
          (await book.find(params.paymentId, platform, shared)) ??
          sendError(reply, "PAYMENT_NOT_FOUND", `no payment ${params.paymentId}`)
        );
      } catch (e) {
        return calls.failed(reply, "payment", e);
      }
    },
    false,
  );
  operation("paymentCallback", async (ctx) =>
    platform ? paymentCallback(ctx, platform, options) : unconfigured(ctx.reply),
  );
};
