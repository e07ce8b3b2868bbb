import type { MixStep, Profile } from "./schema.js";

/** One k6 scenario compiled from a profile: a ramping arrival rate of iterations. */
export interface CompiledScenario {
  name: string;
  exec: string;
  /** Steps of the request mix this scenario's iterations make. */
  steps: MixStep[];
  requestsPerIteration: number;
  startRate: number;
  stages: Array<{ durationS: number; target: number }>;
  peakIterationsPerS: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface CompiledProfile {
  profile: string;
  durationS: number;
  /** Requests per second at level 1 after scaling. */
  peakRequestsPerS: number;
  pollsPerSubmission: number;
  scenarios: CompiledScenario[];
  /** Steps of the mix that no journey runs yet, with their share. */
  notRun: Array<{ step: MixStep; share: number }>;
}

/** Seconds a typical iteration holds a VU, used to size VU pools (generous: faults slow iterations down). */
const iterationHoldS = { browse: 0.5, submit: 2.5 } as const;

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Time points of the compressed day, in seconds after t0. */
export const shapeTimes = (profile: Profile): number[] => {
  const first = profile.shape[0]?.hour ?? 0;
  return profile.shape.map((p) => ((p.hour - first) * 3600) / profile.compression);
};

/** Planned rate (share of peak) at `t` seconds after t0, linear between shape points. */
export const levelAt = (profile: Profile, t: number): number => {
  const times = shapeTimes(profile);
  const shape = profile.shape;
  if (t <= 0) return shape[0]?.level ?? 0;
  for (let i = 1; i < shape.length; i++) {
    const t0 = times[i - 1] ?? 0;
    const t1 = times[i] ?? 0;
    if (t <= t1) {
      const a = shape[i - 1]?.level ?? 0;
      const b = shape[i]?.level ?? 0;
      return a + ((b - a) * (t - t0)) / (t1 - t0);
    }
  }
  return shape.at(-1)?.level ?? 0;
};

export const peakRequestsPerS = (profile: Profile, scale = profile.scale): number =>
  (profile.peakUsers.value / profile.requestIntervalS.value) * scale;

/** Compiles a profile into arrival-rate scenarios. Pure. */
export const compileProfile = (profile: Profile, options: { scale?: number } = {}): CompiledProfile => {
  const peak = peakRequestsPerS(profile, options.scale ?? profile.scale);
  const times = shapeTimes(profile);
  const durationS = times.at(-1) ?? 0;
  const share = (s: MixStep): number => profile.mix[s] ?? 0;
  const pollsPerSubmission = share("submit") > 0 ? share("status") / share("submit") : 0;

  const scenario = (
    name: string,
    exec: string,
    steps: MixStep[],
    iterationsPerPeak: number,
    requestsPerIteration: number,
    holdS: number,
  ): CompiledScenario => {
    const rateAt = (level: number) => round3(level * iterationsPerPeak);
    const stages = profile.shape.slice(1).map((p, i) => ({
      durationS: round3((times[i + 1] ?? 0) - (times[i] ?? 0)),
      target: rateAt(p.level),
    }));
    const maxLevel = Math.max(...profile.shape.map((p) => p.level));
    const peakIterationsPerS = rateAt(maxLevel);
    const preAllocatedVUs = Math.max(2, Math.ceil(peakIterationsPerS * holdS));
    return {
      name,
      exec,
      steps,
      requestsPerIteration: round3(requestsPerIteration),
      startRate: rateAt(profile.shape[0]?.level ?? 0),
      stages,
      peakIterationsPerS,
      preAllocatedVUs,
      maxVUs: Math.max(10, preAllocatedVUs * 4),
    };
  };

  const scenarios: CompiledScenario[] = [];
  if (share("browse") > 0)
    scenarios.push(
      scenario("citizen_browse", "browse", ["browse"], peak * share("browse"), 1, iterationHoldS.browse),
    );
  if (share("submit") > 0)
    scenarios.push(
      scenario(
        "citizen_submit",
        "submit",
        ["submit", "status"],
        peak * share("submit"),
        1 + pollsPerSubmission,
        iterationHoldS.submit,
      ),
    );
  const run = new Set(scenarios.flatMap((s) => s.steps));
  const notRun = (Object.keys(profile.mix) as MixStep[])
    .filter((s) => !run.has(s) && share(s) > 0)
    .map((step) => ({ step, share: share(step) }));
  return {
    profile: profile.name,
    durationS: round3(durationS),
    peakRequestsPerS: round3(peak),
    pollsPerSubmission: round3(pollsPerSubmission),
    scenarios,
    notRun,
  };
};

/** Planned iterations of a scenario over the whole run (area under its rate curve). */
export const plannedIterations = (s: CompiledScenario): number => {
  let rate = s.startRate;
  let total = 0;
  for (const stage of s.stages) {
    total += ((rate + stage.target) / 2) * stage.durationS;
    rate = stage.target;
  }
  return total;
};
