import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakePortal, fakePortal } from "../testing/fake-portal.js";
import { testPlan } from "../testing/plan.js";

const plan = testPlan({
  officerUrl: "http://127.0.0.1:2",
  journeys: { meetings: { sessions: 1, stayS: 5 } },
});

let http: typeof import("../testing/k6-stubs/http.js");
let metrics: typeof import("../testing/k6-stubs/metrics.js");
let exec: typeof import("../testing/k6-stubs/execution.js").default;
let journey: typeof import("./platforms.js");
let portal: FakePortal;

beforeEach(async () => {
  vi.resetModules();
  http = await import("../testing/k6-stubs/http.js");
  metrics = await import("../testing/k6-stubs/metrics.js");
  exec = (await import("../testing/k6-stubs/execution.js")).default;
  journey = await import("./platforms.js");
  portal = fakePortal({ meetingCapacity: 2 });
  http.setHandler(portal.handle);
});
afterEach(() => vi.restoreAllMocks());

describe("reporting and meetings journeys (k6 stubbed)", () => {
  it("runs report queries through the officer link with a valid grouping and date range", () => {
    for (let i = 0; i < 10; i++) journey.reportQuery(plan);
    for (const r of http.requests) {
      const url = new URL(r.url);
      expect(url.origin).toBe("http://127.0.0.1:2");
      expect(["status", "province", "month"]).toContain(url.searchParams.get("groupBy"));
      expect((url.searchParams.get("from") ?? "") <= (url.searchParams.get("to") ?? "")).toBe(true);
      expect(r.params.tags).toMatchObject({ journey: "reporting", step: "report" });
    }
  });

  it("treats a full meeting as an expected answer, and leaves after the stay in a later iteration", () => {
    const now = vi.spyOn(Date, "now").mockReturnValue(1_000_000);
    for (let i = 0; i < 3; i++) {
      exec.scenario.iterationInTest = i;
      journey.meetingJoin(plan);
    }
    const joins = http.requests.filter((r) => r.url.endsWith("/join"));
    expect(joins.every((j) => j.params.responseCallback?.expectedStatuses.includes(409))).toBe(true);
    const results = metrics.samples
      .filter((s) => s.metric === "meeting_joins")
      .map((s) => (s.tags as { result: string }).result);
    expect(results).toEqual(["joined", "joined", "full"]);
    expect(http.requests.filter((r) => r.url.endsWith("/leave"))).toHaveLength(0);
    now.mockReturnValue(1_000_000 + 5_000);
    exec.scenario.iterationInTest = 3;
    journey.meetingJoin(plan);
    expect(http.requests.filter((r) => r.url.endsWith("/leave"))).toHaveLength(2);
    expect(portal.meetings.get("HOP-001")?.size).toBe(1); // both left, the new one joined
    exec.scenario.iterationInTest = 0;
  });
});
