import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isLegalTransition } from "../../mocks/contract/dossier.js";
import type { JourneySettings, K6Plan } from "../lib/plan.js";
import { type FakePortal, fakePortal } from "../testing/fake-portal.js";
import { testPlan } from "../testing/plan.js";

const officer = { dossierShare: 1, rejectShare: 0, moreDocumentsShare: 0, signShare: 0 };
const planWith = (o: Partial<NonNullable<JourneySettings["officer"]>> = {}): K6Plan =>
  testPlan({ officerUrl: "http://127.0.0.1:2", journeys: { officer: { ...officer, ...o } } });

let http: typeof import("../testing/k6-stubs/http.js");
let metrics: typeof import("../testing/k6-stubs/metrics.js");
let exec: typeof import("../testing/k6-stubs/execution.js").default;
let citizen: typeof import("./citizen.js");
let journey: typeof import("./officer.js");
let portal: FakePortal;

beforeEach(async () => {
  vi.resetModules();
  http = await import("../testing/k6-stubs/http.js");
  metrics = await import("../testing/k6-stubs/metrics.js");
  exec = (await import("../testing/k6-stubs/execution.js")).default;
  citizen = await import("./citizen.js");
  journey = await import("./officer.js");
  portal = fakePortal();
  http.setHandler(portal.handle);
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

/** Citizens submit `n` dossiers (iterations 0..n-1), then the officer iterations run. */
const submitThenProcess = (n: number, plan: K6Plan, officerIterations = n) => {
  for (let i = 0; i < n; i++) {
    exec.scenario.iterationInTest = i;
    citizen.submit(plan);
  }
  http.requests.length = 0;
  for (let i = 0; i < officerIterations; i++) {
    exec.scenario.iterationInTest = i;
    journey.processNext(plan);
  }
  exec.scenario.iterationInTest = 0;
};

/** Statuses each dossier went through, from the transitions the officer sent. */
const paths = () => {
  const seen = new Map<string, number[]>();
  for (const r of http.requests.filter((x) => x.url.endsWith("/transitions"))) {
    const code = /dossiers\/([^/]+)\/transitions/.exec(r.url)?.[1] ?? "";
    seen.set(code, [
      ...(seen.get(code) ?? [1]),
      (JSON.parse(r.body ?? "{}") as { toStatus: number }).toStatus,
    ]);
  }
  return seen;
};

describe("officer journey (k6 stubbed)", () => {
  it("takes the n-th submission by its key through the officer link and works it to status 10", () => {
    submitThenProcess(3, planWith());
    expect(http.requests.every((r) => r.url.startsWith("http://127.0.0.1:2/"))).toBe(true);
    expect(
      http.requests.filter((r) => r.url.includes("idempotencyKey=")).map((r) => r.url.split("=")[1]),
    ).toEqual(["r1-d0", "r1-d1", "r1-d2"]);
    for (const d of portal.dossiers.values()) expect(d.status).toBe(10);
    for (const p of paths().values()) expect(p).toEqual([1, 2, 4, 9, 10]);
    expect(metrics.samples.filter((s) => s.metric === "dossiers_processed")).toHaveLength(3);
    const tags = http.requests.find((r) => r.url.endsWith("/transitions"))?.params.tags;
    expect(tags).toMatchObject({ journey: "officer", step: "officer" });
    expect(tags?.province).toMatch(/^H\d{2}$/);
  });

  it("only ever sends legal moves, also when refusing, requesting documents and signing", () => {
    submitThenProcess(40, planWith({ rejectShare: 0.2, moreDocumentsShare: 0.5, signShare: 0.5 }));
    const all = [...paths().values()];
    expect(all).toHaveLength(40);
    for (const p of all)
      for (let i = 1; i < p.length; i++) expect(isLegalTransition(p[i - 1] ?? 0, p[i] ?? 0)).toBe(true);
    expect(all.some((p) => p.at(-1) === 3)).toBe(true);
    expect(all.some((p) => p.includes(5))).toBe(true);
    const signed = http.requests.filter((r) => r.url.endsWith("/sign"));
    expect(signed.length).toBeGreaterThan(0);
    // the document is signed by the officer it was forwarded to
    const forwarded = http.requests.find((r) => r.url.endsWith("/forward"));
    const to = (JSON.parse(forwarded?.body ?? "{}") as { toOfficerId: string }).toOfficerId;
    expect(JSON.parse(signed[0]?.body ?? "{}")).toEqual({ officerId: to });
    expect(http.requests.filter((r) => r.url.endsWith("/api/v1/documents"))[0]?.params.tags).toMatchObject({
      step: "documents",
    });
  });

  it("counts an empty queue when the submission was never acknowledged", () => {
    submitThenProcess(1, planWith(), 2);
    expect(metrics.samples.filter((s) => s.metric === "officer_queue_empty")).toHaveLength(1);
  });

  it("after a lost answer reads the dossier back and does not repeat a move that happened", () => {
    submitThenProcess(1, planWith(), 0);
    let failed = false;
    http.setHandler((req) => {
      const answer = portal.handle(req);
      if (!failed && req.url.endsWith("/transitions")) {
        failed = true;
        return { status: 0 }; // applied, but the answer never arrived
      }
      return answer;
    });
    journey.processNext(planWith());
    const moves = http.requests.filter((r) => r.url.endsWith("/transitions"));
    expect(moves.map((m) => (JSON.parse(m.body ?? "{}") as { toStatus: number }).toStatus)).toEqual([
      2, 4, 9, 10,
    ]);
    expect([...portal.dossiers.values()][0]?.status).toBe(10);
  });
});
