import type { FastifyReply } from "fastify";
import type { ErrorBody } from "../../contract/common.js";
import { type ErrorCode, errorCatalogue } from "../../contract/errors.js";

export { type ErrorCode, errorCatalogue };

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
