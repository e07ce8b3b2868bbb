import type { FastifyInstance } from "fastify";
import { createPartApp } from "../lib/part-app.js";
import { dossierRoutes } from "./dossier-routes.js";
import { registerDossierMetrics } from "./metrics.js";
import { closeNode, createNode, type DossierServiceOptions } from "./node.js";
import { nodeRoutes } from "./node-routes.js";
import { rejoinRoutes } from "./rejoin.js";

export type { DossierServiceOptions } from "./node.js";

/**
 * The dossier service, primary or standby: intake, lookup, officer transitions and payment results;
 * replication to the standby, promotion with epoch fencing, rejoining as a follower after being replaced
 * (failback), and the outbox to the national portal.
 * The routes are two encapsulated plugins over one node state made here; the metrics read the same state.
 * Returns the app without listening.
 */
export const buildApp = (options: DossierServiceOptions): FastifyInstance => {
  const { app, metrics } = createPartApp(`dossier-${options.role}`);
  const node = createNode(options);
  app.addHook("onClose", async () => closeNode(node));
  void app.register(nodeRoutes, { node });
  void app.register(rejoinRoutes, { node });
  void app.register(dossierRoutes, { node });
  registerDossierMetrics(metrics, node);
  return app;
};
