/**
 * What the harness passes to the scenarios (the PH_PLAN environment variable of the engine, or of k6 for a user
 * running the bundle with their own). Pure types, shared with Node.
 */

/** What the journeys need to know beyond their rates (compiled from the profile). */
export interface JourneySettings {
  /** Probability that a citizen's submission is paid online at once. */
  payShare: number;
  officer: {
    dossierShare: number;
    rejectShare: number;
    moreDocumentsShare: number;
    signShare: number;
  } | null;
  sync: { dossiersPerBatch: number; updatesPerBatch: number } | null;
  /** Meeting sessions of the target and the real seconds a participant stays. */
  meetings: { sessions: number; stayS: number } | null;
}

export interface K6Plan {
  runId: string;
  /** Citizens' entry (the citizen → gateway link). */
  baseUrl: string;
  /** Officers' entry (the officer → gateway link); the citizens' entry when absent. */
  officerUrl?: string | undefined;
  /** The national portal as provincial systems reach it (the province → national link); no sync without it. */
  nationalUrl?: string | undefined;
  seed: number;
  pollsPerSubmission: number;
  journeys?: JourneySettings | undefined;
  requestTimeoutS: number;
  /** Fatal limits: the engine (or k6) aborts the run when one is breached after the grace period. */
  fatal: { errorRate: number; p99Ms: number; graceS: number };
  provinces: { count: number; weights?: number[] | undefined };
  scenarios: Array<{
    name: string;
    exec: string;
    startRate: number;
    stages: Array<{ durationS: number; target: number }>;
    preAllocatedVUs: number;
    maxVUs: number;
    startTimeS?: number | undefined;
    timeUnitS?: number | undefined;
  }>;
}

export const defaultJourneys: JourneySettings = { payShare: 0, officer: null, sync: null, meetings: null };

/**
 * k6 wants whole numbers of iterations per time unit; rates are counted per 10 s by default so that
 * fractional rates per second (8.5/s = 85 per 10 s) keep 0.1/s resolution. Slow scenarios use longer units.
 */
export const rateUnitS = 10;
const perUnit = (ratePerS: number, unitS: number): number => Math.round(ratePerS * unitS);

/** Scenarios that need a link the target does not have (province sync without a national link) are left out. */
export const runnableScenarios = (plan: K6Plan): K6Plan["scenarios"] =>
  plan.scenarios.filter((s) => s.exec !== "sync" || plan.nationalUrl !== undefined);

/** k6 options from a plan: one ramping-arrival-rate scenario per journey (open model). */
export const k6Options = (plan: K6Plan) => ({
  scenarios: Object.fromEntries(
    runnableScenarios(plan).map((s) => {
      const unitS = s.timeUnitS ?? rateUnitS;
      return [
        s.name,
        {
          executor: "ramping-arrival-rate",
          exec: s.exec,
          startTime: `${Math.round((s.startTimeS ?? 0) * 1000)}ms`,
          startRate: perUnit(s.startRate, unitS),
          timeUnit: `${unitS}s`,
          preAllocatedVUs: s.preAllocatedVUs,
          maxVUs: s.maxVUs,
          stages: s.stages.map((st) => ({
            duration: `${Math.round(st.durationS * 1000)}ms`,
            target: perUnit(st.target, unitS),
          })),
          gracefulStop: "5s",
        },
      ];
    }),
  ),
  thresholds: {
    http_req_failed: [
      {
        threshold: `rate<${plan.fatal.errorRate}`,
        abortOnFail: true,
        delayAbortEval: `${plan.fatal.graceS}s`,
      },
    ],
    http_req_duration: [
      { threshold: `p(99)<${plan.fatal.p99Ms}`, abortOnFail: true, delayAbortEval: `${plan.fatal.graceS}s` },
    ],
  },
  summaryTrendStats: ["avg", "min", "med", "p(95)", "p(99)", "max"],
  setupTimeout: "30s",
  noConnectionReuse: false,
});
