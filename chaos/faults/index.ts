import type { z } from "zod";
import type { FaultKind } from "./fault.js";
import { latencyFault } from "./latency.js";
import { outageFault } from "./outage.js";

/** Registry of fault kinds by name. */
export const faultKinds = {
  latency: latencyFault,
  outage: outageFault,
} as const satisfies Record<string, FaultKind<z.ZodType>>;

export type FaultKindName = keyof typeof faultKinds;
export const faultKindNames = Object.keys(faultKinds) as FaultKindName[];
