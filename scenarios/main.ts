import { browse as browseJourney, submit as submitJourney } from "./journeys/citizen.js";
import { processNext } from "./journeys/officer.js";
import { meetingJoin, reportQuery } from "./journeys/platforms.js";
import { syncBatch } from "./journeys/province.js";
import { type K6Plan, k6Options } from "./lib/plan.js";

/**
 * The scenarios' entry, a k6 script: the harness passes the compiled plan as PH_PLAN; journeys are exported as
 * scenario execs.
 */
const plan = JSON.parse(__ENV.PH_PLAN ?? "null") as K6Plan | null;
if (!plan) throw new Error("PH_PLAN is not set: run this script through portal-harness");

export const options = k6Options(plan);

// Journeys await their requests and waits (k6's async API), so every exec is async.
export const browse = async (): Promise<void> => browseJourney(plan);
export const submit = async (): Promise<void> => submitJourney(plan);
export const officer = async (): Promise<void> => processNext(plan);
export const sync = async (): Promise<void> => syncBatch(plan);
export const report = async (): Promise<void> => reportQuery(plan);
export const meeting = async (): Promise<void> => meetingJoin(plan);

// Target traffic stays out of setup(): the chaos clock starts at resume, and setup would precede it.
export default function (): void {}
