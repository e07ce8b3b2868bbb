import type { z } from "zod";
import { bandwidthFault } from "./bandwidth.js";
import { blackholeFault } from "./blackhole.js";
import type { FaultKind } from "./fault.js";
import { flappingFault } from "./flapping.js";
import { latencyFault } from "./latency.js";
import { limitDataFault } from "./limit-data.js";
import { outageFault } from "./outage.js";
import { rampFault } from "./ramp.js";
import { resetPeerFault } from "./reset-peer.js";
import { slicerFault } from "./slicer.js";
import { slowCloseFault } from "./slow-close.js";

/**
 * The one registry of fault kinds, by name: everything that lists kinds derives from it — the fault-plan
 * schema (a plan's `kind` picks one, its `params` are checked by the kind's schema), the random plans (each
 * kind's weight and drawn params), the timeline and the plan output. Most drawn kinds first: random plans
 * draw by weight in this order, so a seed keeps giving the same plan.
 */
export const faultKinds = {
  latency: latencyFault,
  outage: outageFault,
  bandwidth: bandwidthFault,
  flapping: flappingFault,
  ramp: rampFault,
  blackhole: blackholeFault,
  "reset-peer": resetPeerFault,
  "slow-close": slowCloseFault,
  "limit-data": limitDataFault,
  slicer: slicerFault,
} as const satisfies Record<string, FaultKind<z.ZodType>>;

export type FaultKindName = keyof typeof faultKinds;
export const faultKindNames = Object.keys(faultKinds) as FaultKindName[];

/** The kind of a fault by name, typed loosely for code that handles every kind alike. */
export const faultKind = (name: FaultKindName): FaultKind<z.ZodType> =>
  faultKinds[name] as FaultKind<z.ZodType>;
