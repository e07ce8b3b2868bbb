import { createRng, hashSeed } from "../kernel/pure/rng.js";
import { type FaultKindName, faultKind, faultKindNames, faultKinds } from "./faults/index.js";
import { FaultPlan } from "./plan.js";
import { type LinkName, linkNames } from "./topology.js";

/**
 * Fault plans the target did not see in advance: a surprise inspection brings a seed, not a plan. The same
 * seed and load always give the same plan, so a report can be reproduced; the plan is written into the run
 * directory. Faults start after the steady-state baseline, never overlap, and each ends, with room to
 * recover, before the load ends.
 */
export interface RandomPlanOptions {
  seed: number;
  /** Length of the load, seconds. */
  loadDurationS: number;
  /** No fault starts before this (the steady-state baseline). */
  baselineS: number;
  /** Room left after each fault for the link to recover before the next one or the load's end. */
  recoverS?: number;
  /** Links that may be faulted (a URL target only has citizen-gateway). Default: every link. */
  links?: readonly LinkName[];
  /** Number of faults; default: one per 15 s of the window, 1 to 6. */
  count?: number;
}

/** Weights of the kinds a random plan draws, from the registry. */
const kindWeights = Object.fromEntries(faultKindNames.map((k) => [k, faultKinds[k].random.weight])) as Record<
  FaultKindName,
  number
>;

const round1 = (x: number): number => Math.round(x * 10) / 10;

export const randomPlan = (o: RandomPlanOptions): FaultPlan => {
  const recoverS = o.recoverS ?? 5;
  const links = o.links ?? linkNames;
  const windowS = o.loadDurationS - o.baselineS;
  const rng = createRng(hashSeed("fault-plan", o.seed));
  const count = o.count ?? Math.min(6, Math.max(1, Math.floor(windowS / 15)));
  // Each fault gets an equal slot of the window; within it the fault lasts 2 s or more and leaves recoverS.
  const slotS = windowS / count;
  if (slotS < 2 + recoverS)
    throw new Error(
      `a random plan needs ${round1((2 + recoverS) * count)} s after the ${o.baselineS} s baseline; the load lasts ${o.loadDurationS} s`,
    );
  const faults = Array.from({ length: count }, (_, i) => {
    const kind = rng.weighted(kindWeights);
    const room = slotS - recoverS;
    const durationS = round1(Math.max(2, room * (0.4 + 0.5 * rng.next())));
    const startS = round1(o.baselineS + i * slotS + rng.next() * Math.max(0, room - durationS));
    return {
      id: `r${i + 1}-${kind}`,
      kind,
      link: rng.pick(links),
      startS,
      durationS,
      params: faultKind(kind).random.params(rng, durationS),
      note: `drawn from seed ${o.seed}`,
    };
  });
  return FaultPlan.parse({
    schemaVersion: 1,
    name: `random-${o.seed}`,
    description: `${count} fault${count === 1 ? "" : "s"} drawn from seed ${o.seed} for a ${o.loadDurationS} s load: after the ${o.baselineS} s baseline, no overlaps, each ending at least ${recoverS} s before the next or the load's end.`,
    faults,
  });
};
