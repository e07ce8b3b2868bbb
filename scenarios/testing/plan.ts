import type { JourneySettings, K6Plan } from "../lib/plan.js";

/** A K6Plan for unit tests of the journeys: no scenarios, no journeys switched on unless given. */
export const testPlan = (
  over: Partial<Omit<K6Plan, "journeys">> & { journeys?: Partial<JourneySettings> } = {},
): K6Plan => {
  const { journeys, ...rest } = over;
  return {
    runId: "r1",
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
