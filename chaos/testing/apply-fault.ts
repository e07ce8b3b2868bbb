import type { z } from "zod";
import type { FaultContext, FaultKind } from "../faults/fault.js";

/** Runs a fault's first step (its apply) now; the returned function removes it. For link-level tests. */
export const applyFault = async <P extends z.ZodType>(
  kind: FaultKind<P>,
  params: unknown,
  ctx: FaultContext,
): Promise<() => Promise<void>> => {
  const p = kind.params.parse(params);
  const first = kind.steps(p, 60_000)[0];
  if (!first) throw new Error(`${kind.kind} has no steps`);
  await first.run(ctx);
  return async () => {
    await kind.remove(ctx, p);
  };
};
