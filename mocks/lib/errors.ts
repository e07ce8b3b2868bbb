import type { FastifyReply } from "fastify";
import type { ErrorBody } from "../contract/common.js";

/** The mock's error catalogue: every refusal has a stable code and a status. */
export const errorCatalogue = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  DOSSIER_NOT_FOUND: 404,
  PROCEDURE_NOT_FOUND: 404,
  AGENCY_DAILY_LIMIT: 409,
  OVERLOADED: 503,
  UPSTREAM_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof errorCatalogue;

export const sendError = (
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  retryAfterS?: number,
): FastifyReply => {
  if (retryAfterS !== undefined) void reply.header("retry-after", String(retryAfterS));
  const body: ErrorBody = { error: { code, message } };
  return reply.code(errorCatalogue[code]).send(body);
};
