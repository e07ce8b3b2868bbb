import type { Admission } from "../lib/admission.js";
import type { DossierRouter } from "./failover.js";
import type { GatewayCounters, GatewayLinks, PartCalls } from "./links.js";

/**
 * What the gateway's plugins share, made once by `buildApp()` and handed to each plugin in its options:
 * the admission queue, the failover router, the links to the parts and the counters. Nothing is shared
 * through decorators or module-level state, so every plugin's dependencies are visible at its call site.
 */
export interface GatewayShared {
  links: GatewayLinks;
  admission: Admission;
  router: DossierRouter;
  calls: PartCalls;
  counters: GatewayCounters;
  /** Deadline of one call to a part. */
  timeoutMs: number;
  /** Total time a write may spend on idempotent retries (including a failover). */
  writeBudgetMs: number;
}
