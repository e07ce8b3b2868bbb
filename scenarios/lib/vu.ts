import exec from "k6/execution";
import { createRng, hashSeed, type Rng } from "../../kernel/pure/rng.js";
import type { K6Plan } from "./plan.js";

/**
 * Per-VU state of a module. The engine runs init code once per worker thread and the worker's VUs share its
 * modules (k6 gives each VU its own), so module-level state is kept in a map keyed by `exec.vu.idInTest`,
 * which holds one entry per VU on the engine and just the one VU on k6. A VU runs one iteration at a time,
 * so its entry is never touched by two iterations at once. Entries live as long as the run: VUs are bounded
 * by the scenarios' `maxVUs`, so keep each entry small.
 */
export const perVu = <T>(create: (vu: number) => T): (() => T) => {
  const states = new Map<number, T>();
  return () => {
    const vu = exec.vu.idInTest;
    let s = states.get(vu);
    if (s === undefined) {
      s = create(vu);
      states.set(vu, s);
    }
    return s;
  };
};

/**
 * Each journey's generators by VU id: seeded from the run's seed, the journey and the VU, so a run's random
 * choices repeat for the same seed.
 */
const rngs = new Map<string, () => Rng>();

export const vuRng = (plan: K6Plan, journey: string): Rng => {
  let rng = rngs.get(journey);
  if (!rng) {
    rng = perVu((vu) => createRng(hashSeed(plan.seed, journey, vu)));
    rngs.set(journey, rng);
  }
  return rng();
};

/** Province 1..count, by the profile's weights when it has them. */
export const pickProvince = (plan: K6Plan, rng: Rng): number => {
  const weights = plan.provinces.weights;
  if (!weights) return rng.int(1, plan.provinces.count + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] ?? 0;
    if (r < 0) return i + 1;
  }
  return weights.length;
};

/** A synthetic citizen id (reserved prefix 999, which no real SoDinhDanh carries). */
export const syntheticCitizenId = (rng: Rng): string => `999${String(rng.int(0, 1e9)).padStart(9, "0")}`;

/** 64 hex digits from the generator (attachment checksums). */
export const hex64 = (rng: Rng): string => {
  let out = "";
  for (let i = 0; i < 8; i++)
    out += Math.floor(rng.next() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return out;
};

/**
 * The idempotency key of the n-th citizen submission of a run. It doubles as the intake register's entry:
 * officers find the n-th dossier by it (the contract has no queue listing; see journeys/officer.ts).
 */
export const submissionKey = (runId: string, n: number): string => `${runId}-d${n}`;
