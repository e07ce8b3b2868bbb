import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dossierCodePattern } from "../contract/common.js";
import { runScript } from "../engine/testing/engine-run.js";
import type { K6Plan } from "./lib/plan.js";
import {
  checks,
  explain,
  type JourneyResult,
  readRun,
  samples,
  scenariosDir,
} from "./testing/journey-run.js";
import { testPlan } from "./testing/plan.js";
import { getJson, startPortal } from "./testing/portal.js";
import { startProxy } from "./testing/proxy.js";

/*
 * `main.ts` itself, the entry a run bundles, on the engine with a plan in PH_PLAN as the harness passes it:
 * its options (ramping-arrival-rate scenarios, abortOnFail thresholds, summaryTrendStats, setupTimeout,
 * noConnectionReuse) are accepted and its execs run against the mock.
 */

const runMain = async (plan: K6Plan): Promise<JourneyResult> => {
  const entry = JSON.stringify(join(scenariosDir, "main.ts"));
  const run = await runScript(`export * from ${entry};\nexport { default } from ${entry};\n`, {
    env: { PH_PLAN: JSON.stringify(plan) },
    warmUp: false,
  });
  const r = readRun(run);
  expect(r.status, explain(r)).toBe("completed");
  expect(r.iterations?.errors, explain(r)).toBe(0);
  return r;
};

/** One scenario at `ratePerS` for `seconds`, as the profile compiler makes them. */
const scenario = (
  name: string,
  exec: string,
  ratePerS: number,
  seconds: number,
): K6Plan["scenarios"][number] => ({
  name,
  exec,
  startRate: ratePerS,
  stages: [{ durationS: seconds, target: ratePerS }],
  preAllocatedVUs: 4,
  maxVUs: 20,
  timeUnitS: 1,
});

describe("main.ts on the engine", () => {
  it("writes exactly as many acknowledged dossier records as dossiers_acknowledged counts", async () => {
    await using portal = await startPortal();
    // Every 4th submission is refused (unacknowledged), every 5th shed once first (acknowledged on a retry).
    let n = 0;
    await using proxy = await startProxy(portal.url, (req) => {
      if (req.method !== "POST" || req.path !== "/api/v1/dossiers") return undefined;
      n++;
      if (n % 4 === 0) return { status: 400, body: { error: { code: "BAD_REQUEST" } } };
      if (n % 5 === 0) return { status: 503, headers: { "Retry-After": "0" }, body: { error: {} } };
      return undefined;
    });
    const plan = testPlan({ baseUrl: proxy.url, scenarios: [scenario("citizen_submit", "submit", 12, 3)] });
    const r = await runMain(plan);

    const records = r.records.filter((x) => x.ph === "dossier");
    const acknowledged = records.filter((x) => x.kind === "acknowledged");
    const counted = samples(r, "dossiers_acknowledged").reduce((s, p) => s + p.value, 0);
    console.log(
      `${records.length} submissions, ${acknowledged.length} acknowledged records, counter ${counted}`,
    );
    expect(records.length).toBeGreaterThanOrEqual(30);
    expect(acknowledged.length).toBe(counted);
    expect(r.summary?.metrics.dossiers_acknowledged?.count).toBe(acknowledged.length);
    expect(records.length).toBe(samples(r, "dossiers_submitted").reduce((s, p) => s + p.value, 0));
    expect(records.some((x) => x.kind === "unacknowledged")).toBe(true);
    expect(acknowledged.some((x) => x.attempts === 2)).toBe(true);
    // Every acknowledged code is real: unique, and the portal holds it under the record's key.
    const codes = acknowledged.map((x) => String(x.code));
    expect(new Set(codes).size).toBe(codes.length);
    for (const x of acknowledged) {
      expect(String(x.code)).toMatch(dossierCodePattern);
      const found = await getJson<{ items: Array<{ code: string }> }>(
        `${portal.url}/api/v1/dossiers?idempotencyKey=${encodeURIComponent(String(x.key))}`,
      );
      expect(found.body.items.map((d) => d.code)).toEqual([x.code]);
    }
  });

  it("runs every journey from the plan's scenarios, each passing its checks", async () => {
    await using portal = await startPortal();
    const plan = testPlan({
      baseUrl: portal.url,
      nationalUrl: portal.nationalUrl,
      pollsPerSubmission: 1,
      journeys: {
        payShare: 0.5,
        officer: { dossierShare: 1, rejectShare: 0.1, moreDocumentsShare: 0.2, signShare: 0.5 },
        sync: { dossiersPerBatch: 2, updatesPerBatch: 2 },
        meetings: { sessions: 2, stayS: 1 },
      },
      scenarios: [
        scenario("citizen_browse", "browse", 10, 3),
        scenario("citizen_submit", "submit", 5, 3),
        { ...scenario("officer_process", "officer", 5, 2), startTimeS: 1 },
        scenario("province_sync", "sync", 2, 3),
        scenario("reporting_query", "report", 2, 3),
        scenario("meeting_join", "meeting", 4, 3),
      ],
    });
    const r = await runMain(plan);
    const c = checks(r);
    const names = [
      "catalogue searched",
      "signed in",
      "citizen found",
      "dossier acknowledged",
      "status found",
      "queue read",
      "legal move accepted",
      "dossier pushed (00)",
      "national portal has the dossier",
      "report answered",
      "meeting found",
      "joined or refused at capacity",
    ];
    for (const name of names) expect(c[name]?.passes ?? 0, name).toBeGreaterThan(0);
    const fails = Object.values(c).reduce((s, x) => s + x.fails, 0);
    expect(fails, JSON.stringify(c)).toBe(0);
    const scenarios = new Set(samples(r, "iterations").map((p) => p.tags.scenario));
    expect([...scenarios].sort()).toEqual(plan.scenarios.map((s) => s.name).sort());
    expect(samples(r, "dropped_iterations")).toHaveLength(0);
    // The plan's fatal limits were thresholds of the run, evaluated and passed.
    expect(r.summary?.metrics.http_req_failed?.thresholds).toEqual({ "rate<0.5": false });
    expect(r.summary?.metrics.http_req_duration?.thresholds).toEqual({ "p(99)<30000": false });
  });
});
