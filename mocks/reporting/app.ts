import type { FastifyInstance } from "fastify";
import { ReportQuery } from "../../contract/platforms.js";
import { createRng } from "../../kernel/pure/rng.js";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";
import { createPartApp, parseOr400, registerPoolMetrics } from "../lib/part-app.js";

export interface ReportingOptions {
  seed: number;
  /** Rows of synthetic dossier history every query scans. */
  rows?: number;
  capacity?: CapacitySpec;
}

const epochDay = Date.UTC(2025, 0, 1) / 86_400_000;
const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000 - epochDay;

/**
 * The reporting platform: aggregate queries over a seeded history of dossiers. Each query scans every row
 * (like an unindexed report on a busy database) and holds one of few workers, so reports are expensive.
 */
export const buildApp = (options: ReportingOptions): FastifyInstance => {
  const { app, metrics } = createPartApp("reporting");
  const pool = new WorkerPool(options.capacity ?? { workers: 2, serviceTimeMs: 40 });
  const n = options.rows ?? 200_000;
  const rng = createRng(options.seed);
  const status = new Uint8Array(n);
  const province = new Uint8Array(n);
  const day = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    status[i] = rng.int(1, 11);
    province[i] = rng.int(1, 35);
    day[i] = rng.int(0, 365);
  }

  app.get("/healthz", async () => ({ ok: true, rows: n }));

  app.get("/reports/dossiers", async (request, reply) => {
    const query = parseOr400(ReportQuery, request.query, reply, "query");
    if (!query) return reply;
    const from = query.from ? dayOf(query.from) : 0;
    const to = query.to ? dayOf(query.to) : 65_535;
    return pool.run(() => {
      const counts = new Map<string, number>();
      let scanned = 0;
      for (let i = 0; i < n; i++) {
        scanned++;
        const d = day[i] ?? 0;
        if (d < from || d > to) continue;
        const key =
          query.groupBy === "status"
            ? String(status[i])
            : query.groupBy === "province"
              ? `H${String(province[i]).padStart(2, "0")}`
              : new Date((epochDay + d) * 86_400_000).toISOString().slice(0, 7);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const rows = [...counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, count]) => ({ key, count }));
      return { groupBy: query.groupBy, rows, scanned };
    });
  });

  registerPoolMetrics(metrics, pool);
  return app;
};
