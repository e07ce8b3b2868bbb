import type { ErrorBody } from "../contract/common.js";
import type { OperationId } from "../contract/operations.js";
import type { GuardedResponse } from "../engine/net/guarded-fetch.js";
import {
  bodyMapping,
  contractError,
  contractStatus,
  fillPath,
  invert,
  queryString,
  unwrap,
  vendorHeaders,
} from "./mapping.js";
import type { OperationMapping } from "./schema.js";
import { AdapterCallError, jsonOf, sendVendor, type VendorContext, VendorSession } from "./session.js";

/** A contract request as the bridge received it (Fastify's parsed params, query, headers and JSON body). */
export interface ContractRequest {
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, unknown>>;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body?: unknown;
}

/** The contract reply the bridge sends back. */
export interface ContractReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const errorReply = (status: number, code: string, message: string, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: { error: { code, message } } satisfies ErrorBody,
});

/** Response headers that keep their meaning across the mapping. */
const passedBack = ["retry-after"] as const;

/**
 * One contract operation at a time, as the adapter maps it: the vendor call built (path, query, headers, body
 * renamed; the application's token added), sent, retried once after a 401 with a new sign-in, and the reply
 * mapped back (status, envelope, keys and values, error codes). Throws `AdapterCallError` when no reply came.
 */
export class Forwarder {
  readonly session: VendorSession;
  private readonly body: ReturnType<typeof bodyMapping>;
  private readonly codesBack: Record<string, string>;

  constructor(readonly ctx: VendorContext) {
    this.session = new VendorSession(ctx);
    this.body = bodyMapping(ctx.adapter.fields, ctx.adapter.values);
    this.codesBack = invert(ctx.adapter.errorCodes);
  }

  async call(operation: OperationId, req: ContractRequest): Promise<ContractReply> {
    const mapping = this.ctx.adapter.operations[operation];
    if (mapping === undefined)
      return errorReply(501, "NOT_MAPPED", `the adapter ${this.ctx.adapter.name} does not map ${operation}`);
    let auth = await this.session.authHeader();
    let res = await this.send(operation, mapping, req, auth);
    if (res.status === 401 && this.session.shouldRenew(auth.token)) {
      await res.discard();
      this.ctx.log(`${operation}: the vendor answered 401; signing in again`);
      this.session.renew(auth.token);
      auth = await this.session.authHeader();
      res = await this.send(operation, mapping, req, auth);
    }
    return this.reply(operation, res);
  }

  private send(
    operation: string,
    mapping: OperationMapping,
    req: ContractRequest,
    auth: { name: string; value: string },
  ): Promise<GuardedResponse> {
    const { adapter, secrets, upstream } = this.ctx;
    const url = `${upstream}${fillPath(mapping.path, req.params)}${queryString(req.query, mapping.query)}`;
    const headers = vendorHeaders(req.headers, adapter.headers, secrets);
    headers[auth.name] = auth.value;
    const withBody = mapping.method === "post" && req.body !== undefined;
    if (withBody) headers["content-type"] = "application/json";
    return sendVendor(this.ctx, operation, url, {
      method: mapping.method === "get" ? "GET" : "POST",
      headers,
      ...(withBody ? { body: JSON.stringify(this.body.toVendor(req.body)) } : {}),
    });
  }

  private async reply(operation: string, res: GuardedResponse): Promise<ContractReply> {
    const { adapter } = this.ctx;
    const headers: Record<string, string> = {};
    for (const name of passedBack) {
      const v = res.header(name);
      if (v !== undefined) headers[name] = v;
    }
    const status = contractStatus(res.status, adapter.statusMap);
    let reply: unknown;
    try {
      reply = await jsonOf(res, operation);
    } catch (e) {
      return errorReply(502, "BAD_GATEWAY", (e as Error).message, headers);
    }
    if (res.status >= 400)
      return { status, headers, body: contractError(reply, res.status, adapter.envelope, this.codesBack) };
    const data = unwrap(reply, adapter.envelope);
    if (!data.ok) return errorReply(502, "BAD_GATEWAY", `${operation}: ${data.problem}`, headers);
    return { status, headers, body: this.body.toContract(data.data) };
  }
}

/** What the bridge answers when the vendor gave no usable reply (or the application could not sign in). */
export const failureReply = (e: AdapterCallError): ContractReply =>
  e.kind === "unreachable"
    ? errorReply(503, "UPSTREAM_UNAVAILABLE", e.message, { "retry-after": "1" })
    : errorReply(502, "BAD_GATEWAY", `${e.operation}: ${e.message}`);

export { AdapterCallError };
