/** What the harness passes into k6 (as the PH_PLAN environment variable). Pure types, shared with Node. */
export interface K6Plan {
  runId: string;
  baseUrl: string;
  seed: number;
  pollsPerSubmission: number;
  requestTimeoutS: number;
  /** Fatal limits: k6 aborts the run when one is breached after the grace period. */
  fatal: { errorRate: number; p99Ms: number; graceS: number };
  provinces: { count: number; weights?: number[] | undefined };
  scenarios: Array<{
    name: string;
    exec: string;
    startRate: number;
    stages: Array<{ durationS: number; target: number }>;
    preAllocatedVUs: number;
    maxVUs: number;
  }>;
}

/**
 * k6 wants whole numbers of iterations per time unit; rates are counted per 10 s so that fractional rates
 * per second (8.5/s = 85 per 10 s) keep 0.1/s resolution.
 */
export const rateUnitS = 10;
const perUnit = (ratePerS: number): number => Math.round(ratePerS * rateUnitS);

/** k6 options from a plan: one ramping-arrival-rate scenario per journey (open model). */
export const k6Options = (plan: K6Plan) => ({
  scenarios: Object.fromEntries(
    plan.scenarios.map((s) => [
      s.name,
      {
        executor: "ramping-arrival-rate",
        exec: s.exec,
        startRate: perUnit(s.startRate),
        timeUnit: `${rateUnitS}s`,
        preAllocatedVUs: s.preAllocatedVUs,
        maxVUs: s.maxVUs,
        stages: s.stages.map((st) => ({
          duration: `${Math.round(st.durationS * 1000)}ms`,
          target: perUnit(st.target),
        })),
        gracefulStop: "5s",
      },
    ]),
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
