import type { FastifyInstance } from "fastify";
import { renderOpenApi } from "../../contract/openapi.js";
import { generateCatalogue } from "../data/synthetic.js";
import type { AdmissionOptions } from "../lib/admission.js";
import { createPartApp } from "../lib/part-app.js";
import { variantBehaviour } from "../variants.js";
import { gatewayAdmission } from "./admission.js";
import { defaultIdentityBulkhead, type IdentityBulkheadSpec, IdentityGate } from "./identity-gate.js";
import { closeLinks, type GatewayCounters, type GatewayUpstreams, openLinks, PartCalls } from "./links.js";
import { registerGatewayMetrics, registerServerTiming } from "./metrics.js";
import { PaymentBook, payments } from "./payments.js";
import { createDossierRouter, routing } from "./routing.js";
import type { GatewayShared } from "./shared.js";

export type { GatewayUpstreams } from "./links.js";

export interface GatewayOptions {
  upstreams: GatewayUpstreams;
  seed: number;
  variant?: string;
  procedures?: number;
  admission?: Partial<AdmissionOptions>;
  upstreamTimeoutMs?: number;
  /** Total time a submission may spend on idempotent retries (including a failover). */
  writeBudgetMs?: number;
  failover?: { healthIntervalMs?: number; healthTimeoutMs?: number; failoverAfterMs?: number | null };
  identityBulkhead?: IdentityBulkheadSpec;
  paymentSecret?: string;
}

/**
 * The portal gateway: the only entry for citizens and officers. It validates every request against the
 * contract, admits it through a bounded queue (shedding with 503 + Retry-After), and forwards it to the part
 * that serves it, each through its own link; dossier traffic goes through the failover router.
 * The pieces are plugins over one shared state object made here: `routing` and `payments` are
 * encapsulated (`app.register`), Server-Timing and the metrics are plain functions on the root instance.
 * Does not listen.
 */
export const buildApp = (options: GatewayOptions): FastifyInstance => {
  const behaviour = variantBehaviour(options.variant ?? "healthy");
  const { app, metrics } = createPartApp("gateway");
  const timeoutMs = options.upstreamTimeoutMs ?? 2000;
  const links = openLinks(options.upstreams, timeoutMs);
  const counters: GatewayCounters = {
    upstreamErrors: new Map(),
    identityRejected: 0,
    writes: { primary: 0, standby: 0 },
  };
  const shared: GatewayShared = {
    links,
    admission: gatewayAdmission(options.admission, behaviour),
    router: createDossierRouter(links, options.failover, behaviour),
    calls: new PartCalls(counters),
    counters,
    timeoutMs,
    writeBudgetMs: options.writeBudgetMs ?? 6000,
  };
  const bulkhead = behaviour.identityBulkhead ? (options.identityBulkhead ?? defaultIdentityBulkhead) : null;
  const identity = new IdentityGate(links.identity, bulkhead, counters, shared.calls);
  const book = new PaymentBook();
  const catalogue = generateCatalogue(options.seed, options.procedures ?? 500);
  const openApi = renderOpenApi();

  app.addHook("onReady", async () => shared.router.start());
  registerServerTiming(app);
  app.addHook("onClose", async () => {
    shared.router.stop();
    await closeLinks(links);
  });
  app.get("/healthz", async () => ({
    ok: true,
    dossierNode: shared.router.active,
    epoch: shared.router.epoch,
  }));
  app.get("/openapi.json", async (_request, reply) =>
    reply.header("content-type", "application/json; charset=utf-8").send(openApi),
  );
  void app.register(routing, { shared, identity, catalogue });
  void app.register(payments, {
    shared,
    book,
    secret: options.paymentSecret ?? "synthetic-shared-secret",
  });
  registerGatewayMetrics(metrics, shared, book);
  return app;
};
