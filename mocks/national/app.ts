import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import {
  CapNhatTienDoRequest,
  DongBoHoSoRequest,
  LoginRequest,
  nationalErrorCodes,
  TraCuuHoSoQuery,
} from "../../contract/sync.js";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";
import { createPartApp, parseOr400, registerPoolMetrics } from "../lib/part-app.js";

export interface NationalOptions {
  /** Sessions expire; a client must log in again (error_code 99 tells it so). */
  sessionTtlS?: number;
  capacity?: CapacitySpec;
  now?: () => number;
}

/**
 * The national portal's side of provincial sync (DongBoHoSoMC, CapNhatTienDoHoSoMC, TraCuuHoSo). A MessageId
 * seen before is absorbed and counted, so redelivery after an outage or a failover never applies twice.
 */
export const buildApp = (options: NationalOptions = {}): FastifyInstance => {
  const { app, metrics } = createPartApp("national-sync");
  const pool = new WorkerPool(options.capacity ?? { workers: 8, serviceTimeMs: 2 });
  const now = options.now ?? Date.now;
  const ttlMs = (options.sessionTtlS ?? 30) * 1000;
  const sessions = new Map<string, number>();
  const seen = new Set<string>();
  const dossiers = new Map<string, { status: number; updatedAt: string }>();
  const stats = { received: 0, duplicates: 0, badSession: 0, applied: 0 };

  const sessionOk = (session: string): boolean => {
    const expires = sessions.get(session);
    if (expires !== undefined && expires > now()) return true;
    sessions.delete(session);
    stats.badSession++;
    return false;
  };
  const reply = (code: string, message: string) => ({ error_code: code, message });

  app.get("/healthz", async () => ({ ok: true, dossiers: dossiers.size }));

  app.post("/login", async (request, res) => {
    const body = parseOr400(LoginRequest, request.body, res, "body");
    if (!body) return res;
    const session = randomBytes(12).toString("hex");
    sessions.set(session, now() + ttlMs);
    return { ...reply(nationalErrorCodes.ok, "ok"), session, expiresInS: ttlMs / 1000 };
  });

  /** What every push answers before looking at its content: a bad session, or a message already absorbed. */
  const screenPush = (session: string, messageId: string) => {
    stats.received++;
    if (!sessionOk(session)) return reply(nationalErrorCodes.badSession, "session expired or unknown");
    if (seen.has(messageId)) {
      stats.duplicates++;
      return reply(nationalErrorCodes.ok, "already received");
    }
    return null;
  };

  app.post("/DongBoHoSoMC", async (request, res) => {
    const body = parseOr400(DongBoHoSoRequest, request.body, res, "body");
    if (!body) return res;
    return pool.run(() => {
      const refused = screenPush(body.session, body.MessageId);
      if (refused) return refused;
      seen.add(body.MessageId);
      stats.applied++;
      const existing = dossiers.get(body.HoSo.MaHoSo);
      if (!existing || existing.status < body.HoSo.TrangThaiHoSo || existing.status === 1)
        dossiers.set(body.HoSo.MaHoSo, {
          status: existing ? Math.max(existing.status, body.HoSo.TrangThaiHoSo) : body.HoSo.TrangThaiHoSo,
          updatedAt: new Date(now()).toISOString(),
        });
      return reply(nationalErrorCodes.ok, "ok");
    });
  });

  app.post("/CapNhatTienDoHoSoMC", async (request, res) => {
    const body = parseOr400(CapNhatTienDoRequest, request.body, res, "body");
    if (!body) return res;
    return pool.run(() => {
      const refused = screenPush(body.session, body.MessageId);
      if (refused) return refused;
      const existing = dossiers.get(body.MaHoSo);
      if (!existing) return reply(nationalErrorCodes.unknownDossier, `unknown dossier ${body.MaHoSo}`);
      seen.add(body.MessageId);
      stats.applied++;
      dossiers.set(body.MaHoSo, { status: body.TrangThaiHoSo, updatedAt: new Date(now()).toISOString() });
      return reply(nationalErrorCodes.ok, "ok");
    });
  });

  app.get("/TraCuuHoSo", async (request, res) => {
    const query = parseOr400(TraCuuHoSoQuery, request.query, res, "query");
    if (!query) return res;
    const d = dossiers.get(query.MaHoSo);
    if (!d) return reply(nationalErrorCodes.notFound, `no dossier ${query.MaHoSo}`);
    return {
      ...reply(nationalErrorCodes.ok, "ok"),
      data: { MaHoSo: query.MaHoSo, TrangThaiHoSo: d.status, CapNhatLuc: d.updatedAt },
    };
  });

  app.get("/stats", async () => ({ ...stats, dossiers: dossiers.size }));

  registerPoolMetrics(metrics, pool);
  metrics.register(
    "portal_national_received_total",
    "counter",
    "sync messages received",
    () => stats.received,
  );
  metrics.register(
    "portal_national_duplicates_total",
    "counter",
    "redelivered messages absorbed",
    () => stats.duplicates,
  );
  metrics.register(
    "portal_national_bad_session_total",
    "counter",
    "calls refused for an expired session",
    () => stats.badSession,
  );
  metrics.register(
    "portal_national_dossiers",
    "gauge",
    "dossiers the national portal holds",
    () => dossiers.size,
  );
  return app;
};
