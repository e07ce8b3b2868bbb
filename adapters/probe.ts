import { z } from "zod";
import { type OperationId, operations, type ResponseSpec } from "../contract/operations.js";
import { environmentError, inputError } from "../kernel/errors.js";
import { formatPath } from "../kernel/validate.js";
import type { BridgeOptions } from "./bridge.js";
import { vendorContext } from "./bridge.js";
import { AdapterCallError, type ContractRequest, Forwarder } from "./forward.js";

export interface ProbeCheck {
  operation: string;
  status: number;
  ms: number;
}

const probeHint =
  "hint: the adapter maps this operation wrongly or the target is not the API it describes; adapters/README.md lists the fields";

const failed = (name: string, operation: string, e: unknown): Error => {
  if (!(e instanceof AdapterCallError)) return e as Error;
  const line = `adapter ${name} probe ${operation}: ${e.message}`;
  if (e.kind === "unreachable")
    return environmentError(line, "hint: is the target running, and is its URL the vendor API's base URL?");
  return inputError(
    line,
    operation === "signIn"
      ? "hint: check the sign-in secret (its environment variable or file) and the adapter's signIn fields"
      : probeHint,
  );
};

/**
 * Read-only checks before any load: the application's sign-in, `searchProcedures` (limit 1), `getProcedure`
 * of the first code and the OIDC discovery document, each reply mapped back to the contract and validated
 * against its schema. A problem is exit 2 naming the operation and the field, exit 3 when the target does
 * not answer. Returns what was checked.
 */
export const probeAdapter = async (o: BridgeOptions): Promise<ProbeCheck[]> => {
  const ctx = vendorContext(o);
  const name = ctx.adapter.name;
  const forwarder = new Forwarder(ctx);
  const checks: ProbeCheck[] = [];
  const started = performance.now();
  try {
    await forwarder.session.authHeader();
  } catch (e) {
    throw failed(name, "signIn", e);
  }
  checks.push({ operation: "signIn", status: 200, ms: Math.round(performance.now() - started) });

  const check = async (operation: OperationId, req: Partial<ContractRequest>): Promise<unknown> => {
    const t = performance.now();
    let reply: Awaited<ReturnType<Forwarder["call"]>>;
    try {
      reply = await forwarder.call(operation, { params: {}, query: {}, headers: {}, ...req });
    } catch (e) {
      throw failed(name, operation, e);
    }
    const line = `adapter ${name} probe ${operation}`;
    if (reply.status !== 200) {
      const err = (reply.body as { error?: { code?: string; message?: string } }).error;
      throw inputError(
        `${line}: answered ${reply.status} ${err?.code ?? ""} ${err?.message ?? ""}`.trim(),
        probeHint,
      );
    }
    const ok = (operations[operation].responses as Readonly<Record<number, ResponseSpec>>)[200];
    const result = (ok?.schema ?? z.unknown()).safeParse(reply.body);
    if (!result.success)
      throw inputError(
        ...result.error.issues.map((i) => `${line}: response ${formatPath(i.path)}: ${i.message}`),
        probeHint,
      );
    checks.push({ operation, status: reply.status, ms: Math.round(performance.now() - t) });
    return result.data;
  };

  const list = (await check("searchProcedures", { query: { limit: 1 } })) as { items: { code: string }[] };
  const first = list.items[0];
  if (first === undefined)
    throw inputError(
      `adapter ${name} probe searchProcedures: response items: the catalogue is empty, so getProcedure cannot be checked`,
      probeHint,
    );
  await check("getProcedure", { params: { code: first.code } });
  await check("oidcConfiguration", {});
  return checks;
};
