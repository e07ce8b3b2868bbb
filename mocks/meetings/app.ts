import type { FastifyInstance } from "fastify";
import { MeetingMemberRequest, MeetingParams } from "../../contract/platforms.js";
import { createRng } from "../../kernel/pure/rng.js";
import { sendError } from "../lib/errors.js";
import { createPartApp, parseOr400 } from "../lib/part-app.js";

export interface MeetingsOptions {
  seed: number;
  meetings?: number;
  /** Overrides every session's capacity (tests). */
  capacity?: number;
}

/** Online meetings: seeded sessions, each with a participant capacity; joining a full session is refused. */
export const buildApp = (options: MeetingsOptions): FastifyInstance => {
  const { app, metrics } = createPartApp("meetings");
  const rng = createRng(options.seed);
  const sessions = new Map<string, { id: string; title: string; capacity: number; members: Set<string> }>();
  for (let i = 1; i <= (options.meetings ?? 50); i++) {
    const id = `HOP-${String(i).padStart(3, "0")}`;
    sessions.set(id, {
      id,
      title: `Họp giao ban trực tuyến ${i}`,
      capacity: options.capacity ?? rng.pick([20, 50, 100, 200]),
      members: new Set(),
    });
  }
  const stats = { refusedFull: 0 };
  const view = (s: { id: string; title: string; capacity: number; members: Set<string> }) => ({
    id: s.id,
    title: s.title,
    capacity: s.capacity,
    participants: s.members.size,
  });

  app.get("/healthz", async () => ({ ok: true }));

  app.get<{ Params: { id: string } }>("/meetings/:id", async (request, reply) => {
    const params = parseOr400(MeetingParams, request.params, reply, "params");
    if (!params) return reply;
    const s = sessions.get(params.id);
    return s ? view(s) : sendError(reply, "MEETING_NOT_FOUND", `no meeting ${params.id}`);
  });

  app.post<{ Params: { id: string } }>("/meetings/:id/join", async (request, reply) => {
    const params = parseOr400(MeetingParams, request.params, reply, "params");
    if (!params) return reply;
    const body = parseOr400(MeetingMemberRequest, request.body, reply, "body");
    if (!body) return reply;
    const s = sessions.get(params.id);
    if (!s) return sendError(reply, "MEETING_NOT_FOUND", `no meeting ${params.id}`);
    if (!s.members.has(body.participantId) && s.members.size >= s.capacity) {
      stats.refusedFull++;
      return sendError(reply, "MEETING_FULL", `${s.id} holds ${s.capacity} participants`);
    }
    s.members.add(body.participantId);
    return view(s);
  });

  app.post<{ Params: { id: string } }>("/meetings/:id/leave", async (request, reply) => {
    const params = parseOr400(MeetingParams, request.params, reply, "params");
    if (!params) return reply;
    const body = parseOr400(MeetingMemberRequest, request.body, reply, "body");
    if (!body) return reply;
    const s = sessions.get(params.id);
    if (!s) return sendError(reply, "MEETING_NOT_FOUND", `no meeting ${params.id}`);
    s.members.delete(body.participantId);
    return view(s);
  });

  metrics.register("portal_meeting_participants", "gauge", "participants in all sessions", () =>
    [...sessions.values()].reduce((n, s) => n + s.members.size, 0),
  );
  metrics.register(
    "portal_meeting_refused_full_total",
    "counter",
    "joins refused at capacity",
    () => stats.refusedFull,
  );
  return app;
};
