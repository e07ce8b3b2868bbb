import { describe, expect, it } from "vitest";
import type { K6Plan } from "../lib/plan.js";
import { checks, explain, type JourneyResult, runJourney, samples } from "../testing/journey-run.js";
import { testPlan } from "../testing/plan.js";
import { getJson, startPortal } from "../testing/portal.js";
import { startProxy } from "../testing/proxy.js";

/* The reporting and meeting journeys on the engine against the mock, officers' requests through a proxy. */

const run = async (plan: K6Plan, iterations: number, body: string): Promise<JourneyResult> => {
  const r = await runJourney({
    plan,
    imports: { platforms: ["reportQuery", "meetingJoin"] },
    body,
    iterations,
  });
  expect(r.status, explain(r)).toBe("completed");
  expect(r.iterations?.errors, explain(r)).toBe(0);
  return r;
};

describe("reporting and meetings journeys (engine → mock)", () => {
  it("runs report queries through the officer link with a valid grouping and date range", async () => {
    await using portal = await startPortal();
    await using link = await startProxy(portal.url);
    const r = await run(
      testPlan({ baseUrl: "http://127.0.0.1:1", officerUrl: link.url }),
      10,
      "await reportQuery(plan);",
    );
    expect(link.seen).toHaveLength(10);
    for (const s of link.seen) {
      const url = new URL(s.url, link.url);
      expect(url.pathname).toBe("/api/v1/reports/dossiers");
      expect(["status", "province", "month"]).toContain(url.searchParams.get("groupBy"));
      expect((url.searchParams.get("from") ?? "") <= (url.searchParams.get("to") ?? "")).toBe(true);
      expect(s.status).toBe(200);
    }
    for (const p of samples(r, "http_reqs"))
      expect(p.tags).toMatchObject({
        journey: "reporting",
        step: "report",
        name: "GET /api/v1/reports/dossiers",
      });
    expect(checks(r)["report answered"]).toEqual({ passes: 10, fails: 0 });
  });

  it("treats a full meeting as an expected answer, and leaves after the stay in a later iteration", async () => {
    await using portal = await startPortal({ meetings: { meetingCapacity: 2 } });
    await using link = await startProxy(portal.url);
    const plan = testPlan({ officerUrl: link.url, journeys: { meetings: { sessions: 1, stayS: 1 } } });
    // Three joins at once (the third finds the meeting full), then one after the first two's stay is over.
    const r = await run(plan, 4, "if (i === 3) await wait(1100); await meetingJoin(plan);");
    const results = samples(r, "meeting_joins").map((s) => s.tags.result);
    expect(results).toEqual(["joined", "joined", "full", "joined"]);
    const joins = samples(r, "http_reqs").filter((p) => p.tags.name === "POST /api/v1/meetings/{id}/join");
    expect(joins.map((p) => [p.tags.status, p.tags.expected_response])).toEqual([
      ["200", "true"],
      ["200", "true"],
      ["409", "true"], // MEETING_FULL is an answer the journey expects, not a failed request
      ["200", "true"],
    ]);
    const failed = samples(r, "http_req_failed").filter(
      (p) => p.tags.name === "POST /api/v1/meetings/{id}/join",
    );
    expect(failed.map((p) => p.value)).toEqual([0, 0, 0, 0]);
    // Both who joined left in the last iteration, before its own join.
    const leaves = link
      .to("/leave")
      .map((s) => (JSON.parse(s.body) as { participantId: string }).participantId);
    expect(leaves).toEqual(["CB-1", "CB-2"]);
    expect(link.to("/leave").every((s) => s.at < (link.to("/join").at(-1)?.at ?? 0))).toBe(true);
    const meeting = await getJson<{ participants: number }>(`${portal.url}/api/v1/meetings/HOP-001`);
    expect(meeting.body.participants).toBe(1);
    expect(checks(r)["joined or refused at capacity"]).toEqual({ passes: 4, fails: 0 });
    expect(checks(r)["meeting left"]).toEqual({ passes: 2, fails: 0 });
  });
});
