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

/** Registry of fault kinds by name: a plan's `kind` picks one, its `params` are checked by the kind's schema. */
export const faultKinds = {
  latency: latencyFault,
  bandwidth: bandwidthFault,
  outage: outageFault,
  blackhole: blackholeFault,
  "reset-peer": resetPeerFault,
  "slow-close": slowCloseFault,
  "limit-data": limitDataFault,
  slicer: slicerFault,
  flapping: flappingFault,
  ramp: rampFault,
} as const satisfies Record<string, FaultKind<z.ZodType>>;

export type FaultKindName = keyof typeof faultKinds;
export const faultKindNames = Object.keys(faultKinds) as FaultKindName[];

/** The kind of a fault by name, typed loosely for code that handles every kind alike. */
export const faultKind = (name: FaultKindName): FaultKind<z.ZodType> =>
  faultKinds[name] as FaultKind<z.ZodType>;
