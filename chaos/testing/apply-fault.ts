import type { z } from "zod";
import type { FaultContext, FaultKind } from "../faults/fault.js";

/** A fault in force on a test's link; `remove()` (or leaving an `await using` scope) takes it away. */
export interface AppliedFault extends AsyncDisposable {
  remove(): Promise<void>;
}

/** Runs a fault's first step (its apply) now. For link-level tests. */
export const applyFault = async <P extends z.ZodType>(
  kind: FaultKind<P>,
  params: unknown,
  ctx: FaultContext,
): Promise<AppliedFault> => {
  const p = kind.params.parse(params);
  const first = kind.steps(p, 60_000)[0];
  if (!first) throw new Error(`${kind.kind} has no steps`);
  await first.run(ctx);
  const remove = async () => {
    await kind.remove(ctx, p);
  };
  return { remove, [Symbol.asyncDispose]: remove };
};
