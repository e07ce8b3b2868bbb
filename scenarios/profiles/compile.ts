import type { JourneySettings } from "../lib/plan.js";
import type { MixStep, Profile, Step } from "./schema.js";

/** One k6 scenario compiled from a profile: a ramping arrival rate of iterations. */
export interface CompiledScenario {
  name: string;
  exec: string;
  /** Steps this scenario's iterations make (the tags of their requests). */
  steps: Step[];
  requestsPerIteration: number;
  /** Seconds after t0 the scenario starts (officers take dossiers some time after citizens submit them). */
  startTimeS: number;
  /** k6 time unit of the rates: 10 s, longer for slow scenarios so that whole numbers per unit stay exact. */
  timeUnitS: number;
  startRate: number;
  stages: Array<{ durationS: number; target: number }>;
  peakIterationsPerS: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface CompiledProfile {
  profile: string;
  durationS: number;
  /** Citizen requests per second at level 1 after scaling. */
  peakRequestsPerS: number;
  /** Highest planned request rate of all scenarios together (citizens, officers, sync, platforms). */
  totalPeakRequestsPerS: number;
  pollsPerSubmission: number;
  /** What the journeys need to know beyond their rates. */
  journeys: JourneySettings;
  scenarios: CompiledScenario[];
  /** Steps of the mix that no journey runs, with their share. */
  notRun: Array<{ step: MixStep; share: number }>;
}

/** Requests one online payment makes: create, confirm, one read of the result (assumption: it settles at once). */
export const paymentRequests = 3;

/** Seconds a typical iteration holds a VU, used to size VU pools (generous: faults slow iterations down). */
const iterationHoldS = {
  browse: 0.5,
  submit: 4,
  officer: 1.5,
  sync: 1.5,
  report: 2,
  meeting: 0.5,
} as const;

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Time points of the compressed day, in seconds after t0. */
export const shapeTimes = (profile: Profile): number[] => {
  const first = profile.shape[0]?.hour ?? 0;
  return profile.shape.map((p) => ((p.hour - first) * 3600) / profile.compression);
};

/** A piecewise-linear rate: (seconds after t0, iterations/s) points with increasing times. */
export type RateCurve = ReadonlyArray<{ t: number; rate: number }>;

/** The curve's rate at `t`, linear between points and flat before the first and after the last. */
export const curveAt = (curve: RateCurve, t: number): number => {
  const first = curve[0];
  if (!first) return 0;
  if (t <= first.t) return first.rate;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1] as { t: number; rate: number };
    const b = curve[i] as { t: number; rate: number };
    if (t <= b.t) return b.t === a.t ? b.rate : a.rate + ((b.rate - a.rate) * (t - a.t)) / (b.t - a.t);
  }
  return curve.at(-1)?.rate ?? 0;
};

/** The curve cut to [from, to] and re-based to start at `from`: a start rate and k6 stages. */
export const windowStages = (
  curve: RateCurve,
  from: number,
  to: number,
): { startRate: number; stages: Array<{ durationS: number; target: number }> } => {
  const times = [from, ...curve.map((p) => p.t).filter((t) => t > from && t < to), to];
  const stages: Array<{ durationS: number; target: number }> = [];
  for (let i = 1; i < times.length; i++) {
    const durationS = round3((times[i] ?? 0) - (times[i - 1] ?? 0));
    if (durationS > 0) stages.push({ durationS, target: round3(curveAt(curve, times[i] ?? 0)) });
  }
  return { startRate: round3(curveAt(curve, from)), stages };
};

/** Planned rate (share of peak) at `t` seconds after t0, linear between shape points. */
export const levelAt = (profile: Profile, t: number): number => {
  const times = shapeTimes(profile);
  return curveAt(
    profile.shape.map((p, i) => ({ t: times[i] ?? 0, rate: p.level })),
    t,
  );
};

export const peakRequestsPerS = (profile: Profile, scale = profile.scale): number =>
  (profile.peakUsers.value / profile.requestIntervalS.value) * scale;

/** k6 counts whole iterations per time unit: 10 s for ≥ 1/s, longer below so that rounding stays within 5 %. */
export const timeUnitFor = (peakIterationsPerS: number): number =>
  peakIterationsPerS >= 1 ? 10 : peakIterationsPerS >= 1 / 6 ? 60 : 600;

/** Requests an officer makes for one dossier taken from the queue (find, moves, documents). */
export const officerRequests = (o: NonNullable<NonNullable<Profile["platforms"]>["officer"]>): number =>
  1 + o.rejectShare + (1 - o.rejectShare) * (4 + 2 * o.moreDocumentsShare + 3 * o.signShare);

/** What every scenario of one profile is compiled against. */
interface Day {
  profile: Profile;
  scale: number;
  /** Citizen requests per second at level 1 after scaling. */
  peak: number;
  durationS: number;
  share(step: MixStep): number;
  pollsPerSubmission: number;
  /** Share of submissions that pay a fee online. */
  payShare: number;
  /** The day's shape as a rate curve, `ratePerLevel` at level 1. */
  dayCurve(ratePerLevel: number): RateCurve;
}

const dayOf = (profile: Profile, scale: number): Day => {
  const times = shapeTimes(profile);
  const share = (s: MixStep): number => profile.mix[s] ?? 0;
  return {
    profile,
    scale,
    peak: peakRequestsPerS(profile, scale),
    durationS: times.at(-1) ?? 0,
    share,
    pollsPerSubmission: share("submit") > 0 ? share("status") / share("submit") : 0,
    payShare: share("submit") > 0 ? Math.min(1, share("payment") / paymentRequests / share("submit")) : 0,
    dayCurve: (ratePerLevel) =>
      profile.shape.map((p, i) => ({ t: times[i] ?? 0, rate: p.level * ratePerLevel })),
  };
};

/** One journey's scenario before compiling: its rate curve, requests per iteration, hold time and start. */
interface ScenarioSpec {
  name: string;
  exec: string;
  steps: Step[];
  curve: RateCurve;
  requestsPerIteration: number;
  holdS: number;
  startTimeS?: number;
}

/** A ramping arrival rate over the day from the scenario's start, with VU pools sized from its peak. */
const compileScenario = (day: Day, spec: ScenarioSpec): CompiledScenario => {
  const startTimeS = spec.startTimeS ?? 0;
  const { startRate, stages } = windowStages(spec.curve, startTimeS, day.durationS);
  const peakIterationsPerS = round3(Math.max(startRate, ...stages.map((s) => s.target)));
  const preAllocatedVUs = Math.max(2, Math.ceil(peakIterationsPerS * spec.holdS));
  return {
    name: spec.name,
    exec: spec.exec,
    steps: spec.steps,
    requestsPerIteration: round3(spec.requestsPerIteration),
    startTimeS: round3(startTimeS),
    timeUnitS: timeUnitFor(peakIterationsPerS),
    startRate,
    stages,
    peakIterationsPerS,
    preAllocatedVUs,
    maxVUs: Math.max(10, preAllocatedVUs * 4),
  };
};

/** The citizens' journeys: browsing, and submitting (with payments and status polls); officers after them. */
const citizenSpecs = (day: Day): ScenarioSpec[] => {
  const { share, peak, payShare, pollsPerSubmission } = day;
  const specs: ScenarioSpec[] = [];
  if (share("browse") > 0)
    specs.push({
      name: "citizen_browse",
      exec: "browse",
      steps: ["browse"],
      curve: day.dayCurve(peak * share("browse")),
      requestsPerIteration: 1,
      holdS: iterationHoldS.browse,
    });
  const submitCurve = day.dayCurve(peak * share("submit"));
  if (share("submit") > 0)
    specs.push({
      name: "citizen_submit",
      exec: "submit",
      steps: ["sign-in", "lookup", "submit", ...(payShare > 0 ? (["payment"] as const) : []), "status"],
      curve: submitCurve,
      requestsPerIteration: 2 + pollsPerSubmission + payShare * paymentRequests,
      holdS: iterationHoldS.submit,
    });
  const officer = day.profile.platforms?.officer;
  if (officer && officer.dossierShare > 0 && share("submit") > 0 && officer.pickUpAfterS < day.durationS)
    specs.push({
      name: "officer_process",
      exec: "officer",
      steps: ["officer", "documents"],
      curve: submitCurve.map((p) => ({ t: p.t + officer.pickUpAfterS, rate: p.rate * officer.dossierShare })),
      requestsPerIteration: officerRequests(officer),
      holdS: iterationHoldS.officer,
      startTimeS: officer.pickUpAfterS,
    });
  return specs;
};

/** The platforms beside the citizens: province sync, reporting, meetings (each only when the profile has it). */
const platformSpecs = (day: Day): ScenarioSpec[] => {
  const { profile, scale } = day;
  const { provinceSync: sync, reporting, meetings } = profile.platforms ?? {};
  const specs: ScenarioSpec[] = [];
  if (sync)
    specs.push({
      name: "province_sync",
      exec: "sync",
      steps: ["sync"],
      curve: day.dayCurve((profile.provinces.count * scale) / sync.batchEveryS.value),
      requestsPerIteration: sync.dossiersPerBatch + sync.updatesPerBatch + 1,
      holdS: iterationHoldS.sync,
    });
  if (reporting)
    specs.push({
      name: "reporting_query",
      exec: "report",
      steps: ["report"],
      curve: day.dayCurve(reporting.queriesPerS.value * scale),
      requestsPerIteration: 1,
      holdS: iterationHoldS.report,
    });
  if (meetings) {
    const first = profile.shape[0]?.hour ?? 0;
    const rate = meetings.joinsPerS.value * scale;
    specs.push({
      name: "meeting_join",
      exec: "meeting",
      steps: ["meeting"],
      curve: (meetings.shape ?? profile.shape).map((p) => ({
        t: ((p.hour - first) * 3600) / profile.compression,
        rate: p.level * rate,
      })),
      requestsPerIteration: 3,
      holdS: iterationHoldS.meeting,
    });
  }
  return specs;
};

/** What the journeys need to know beyond their rates. */
const journeySettings = (day: Day): JourneySettings => {
  const { officer, provinceSync: sync, meetings } = day.profile.platforms ?? {};
  return {
    payShare: round3(day.payShare),
    officer: officer
      ? {
          dossierShare: officer.dossierShare,
          rejectShare: officer.rejectShare,
          moreDocumentsShare: officer.moreDocumentsShare,
          signShare: officer.signShare,
        }
      : null,
    sync: sync ? { dossiersPerBatch: sync.dossiersPerBatch, updatesPerBatch: sync.updatesPerBatch } : null,
    meetings: meetings
      ? { sessions: meetings.sessions, stayS: round3((meetings.stayMinutes * 60) / day.profile.compression) }
      : null,
  };
};

/** Compiles a profile into arrival-rate scenarios, one per journey. Pure. */
export const compileProfile = (profile: Profile, options: { scale?: number } = {}): CompiledProfile => {
  const day = dayOf(profile, options.scale ?? profile.scale);
  const scenarios = [...citizenSpecs(day), ...platformSpecs(day)].map((spec) => compileScenario(day, spec));
  const run = new Set<Step>(scenarios.flatMap((s) => s.steps));
  const notRun = (Object.keys(profile.mix) as MixStep[])
    .filter((s) => !run.has(s) && day.share(s) > 0)
    .map((step) => ({ step, share: day.share(step) }));
  return {
    profile: profile.name,
    durationS: round3(day.durationS),
    peakRequestsPerS: round3(day.peak),
    totalPeakRequestsPerS: round3(totalPeak(scenarios)),
    pollsPerSubmission: round3(day.pollsPerSubmission),
    journeys: journeySettings(day),
    scenarios,
    notRun,
  };
};

/** The link a scenario's iterations enter the portal by: the citizens' or the officers' (sync goes elsewhere). */
export type Entry = "citizen" | "officer";

const entryOf: Record<string, Entry | undefined> = {
  browse: "citizen",
  submit: "citizen",
  officer: "officer",
  report: "officer",
  meeting: "officer",
};

/** A fault on an entry link: how long it may hold one request, and for how long it lasts. */
export interface EntryFault {
  entry: Entry;
  perRequestS: number;
  durationS: number;
}

/**
 * VU pools sized for the faults on the links the scenarios enter by: while a fault holds each request up to
 * `perRequestS`, an iteration holds its VU for its usual time plus its requests × that (no longer than the fault
 * and one more held request), so the pool must cover peak rate × that hold. Where officers share the citizens'
 * link (a URL target), the caller names its faults for the officers' entry. Only ever grows a pool.
 */
export const sizeForFaults = (compiled: CompiledProfile, faults: readonly EntryFault[]): CompiledProfile => ({
  ...compiled,
  scenarios: compiled.scenarios.map((s) => {
    const entry = entryOf[s.exec];
    const usualS = iterationHoldS[s.exec as keyof typeof iterationHoldS] ?? 0;
    const extraS = Math.max(
      0,
      ...faults
        .filter((f) => f.entry === entry && f.perRequestS > 0)
        .map((f) => Math.min(s.requestsPerIteration * f.perRequestS, f.durationS + f.perRequestS)),
    );
    if (extraS === 0) return s;
    const needed = Math.ceil(s.peakIterationsPerS * (usualS + extraS));
    return {
      ...s,
      preAllocatedVUs: Math.max(s.preAllocatedVUs, needed),
      maxVUs: Math.max(s.maxVUs, 2 * needed),
    };
  }),
});

/** A compiled scenario's planned iterations/s at `t` seconds after t0 (0 before it starts). */
export const scenarioRateAt = (s: CompiledScenario, t: number): number => {
  if (t < s.startTimeS) return 0;
  let from = s.startTimeS;
  let rate = s.startRate;
  for (const stage of s.stages) {
    const to = from + stage.durationS;
    if (t <= to) return rate + ((stage.target - rate) * (t - from)) / stage.durationS;
    from = to;
    rate = stage.target;
  }
  return rate;
};

/** Highest total request rate over the run: the sum is piecewise linear, so its peak is at a breakpoint. */
const totalPeak = (scenarios: readonly CompiledScenario[]): number => {
  const points = new Set<number>();
  for (const s of scenarios) {
    let t = s.startTimeS;
    points.add(t);
    for (const stage of s.stages) {
      t += stage.durationS;
      points.add(t);
    }
  }
  let best = 0;
  for (const t of points) {
    const total = scenarios.reduce((sum, s) => sum + scenarioRateAt(s, t) * s.requestsPerIteration, 0);
    best = Math.max(best, total);
  }
  return best;
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
