import type { JourneySettings, K6Plan } from "../lib/plan.js";

/**
 * A K6Plan for the journeys' tests: no scenarios (the test's entry script has its own), no journeys switched
 * on unless given. The run id is long enough for the contract's idempotency keys (8 characters at least).
 */
export const testPlan = (
  over: Partial<Omit<K6Plan, "journeys">> & { journeys?: Partial<JourneySettings> } = {},
): K6Plan => {
  const { journeys, ...rest } = over;
  return {
    runId: "run-test",
    baseUrl: "http://127.0.0.1:1",
    seed: 7,
    pollsPerSubmission: 0,
    requestTimeoutS: 10,
    fatal: { errorRate: 0.5, p99Ms: 30_000, graceS: 10 },
    provinces: { count: 34 },
    scenarios: [],
    ...rest,
    journeys: { payShare: 0, officer: null, sync: null, meetings: null, ...journeys },
  };
};
