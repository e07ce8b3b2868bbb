import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dossierCodePattern } from "../../mocks/contract/common.js";
import { type FakePortal, fakePortal } from "../testing/fake-portal.js";
import { testPlan } from "../testing/plan.js";

const plan = testPlan({
  nationalUrl: "http://127.0.0.1:3",
  journeys: { sync: { dossiersPerBatch: 3, updatesPerBatch: 2 } },
});

let http: typeof import("../testing/k6-stubs/http.js");
let metrics: typeof import("../testing/k6-stubs/metrics.js");
let exec: typeof import("../testing/k6-stubs/execution.js").default;
let journey: typeof import("./province.js");
let portal: FakePortal;
let logged: string[] = [];

beforeEach(async () => {
  vi.resetModules();
  http = await import("../testing/k6-stubs/http.js");
  metrics = await import("../testing/k6-stubs/metrics.js");
  exec = (await import("../testing/k6-stubs/execution.js")).default;
  journey = await import("./province.js");
  portal = fakePortal();
  http.setHandler(portal.handle);
  logged = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => {
    logged.push(line);
  });
});
afterEach(() => vi.restoreAllMocks());

const batches = (n: number) => {
  for (let i = 0; i < n; i++) {
    exec.scenario.iterationInTest = i;
    journey.syncBatch(plan);
  }
  exec.scenario.iterationInTest = 0;
};
const syncRecords = () =>
  logged
    .map((l) => JSON.parse(l) as { ph: string; kind: string; code: string })
    .filter((r) => r.ph === "sync");

describe("province sync journey (k6 stubbed)", () => {
  it("logs in once, pushes each batch to the national link and records every code, none repeated", () => {
    batches(5);
    expect(http.requests.every((r) => r.url.startsWith("http://127.0.0.1:3/"))).toBe(true);
    const codes = syncRecords().map((r) => r.code);
    expect(codes).toHaveLength(15);
    expect(new Set(codes).size).toBe(15);
    for (const c of codes) expect(c).toMatch(dossierCodePattern);
    expect(syncRecords().every((r) => r.kind === "pushed")).toBe(true);
    expect(portal.national.size).toBe(15);
    expect(portal.counters["POST /login"]).toBeLessThanOrEqual(5); // one session per province, reused
    expect(http.requests[0]?.params.tags).toMatchObject({ journey: "province", step: "sync" });
  });

  it("pushes status progress of earlier dossiers along 2 → 4 → 9 → 10 with fresh MessageIds", () => {
    batches(6);
    const updates = http.requests
      .filter((r) => r.url.endsWith("/CapNhatTienDoHoSoMC"))
      .map((r) => JSON.parse(r.body ?? "{}") as { MessageId: string; TrangThaiHoSo: number });
    expect(updates.length).toBeGreaterThan(0);
    expect(new Set(updates.map((u) => u.MessageId)).size).toBe(updates.length);
    expect(updates.every((u) => [4, 9, 10].includes(u.TrangThaiHoSo))).toBe(true);
    expect([...portal.national.values()].some((s) => s > 2)).toBe(true);
  });

  it("logs in again when the national portal says the session expired, and resends the same message", () => {
    batches(1);
    portal.sessions.clear(); // every session expires
    http.requests.length = 0;
    exec.scenario.iterationInTest = 1;
    journey.syncBatch(plan);
    const first = http.requests.filter((r) => r.url.endsWith("/DongBoHoSoMC")).slice(0, 2);
    expect(first.map((r) => (JSON.parse(r.body ?? "{}") as { MessageId: string }).MessageId)).toEqual([
      expect.stringMatching(/#1$/),
      expect.stringMatching(/#1$/),
    ]);
    expect(new Set(first.map((r) => r.body)).size).toBe(2); // same message, new session
    expect(
      syncRecords()
        .slice(-3)
        .every((r) => r.kind === "pushed"),
    ).toBe(true);
  });

  it("measures sync lag from the push to the national portal showing the dossier", () => {
    batches(2);
    expect(metrics.samples.filter((s) => s.metric === "sync_lag_ms")).toHaveLength(2);
    expect(http.requests.filter((r) => r.url.includes("/TraCuuHoSo?MaHoSo="))).toHaveLength(2);
  });

  it("does nothing without a national link (a URL target)", () => {
    journey.syncBatch({ ...plan, nationalUrl: undefined });
    expect(http.requests).toHaveLength(0);
  });
});
