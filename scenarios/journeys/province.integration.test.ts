import { describe, expect, it } from "vitest";
import { dossierCodePattern } from "../../contract/common.js";
import type { K6Plan } from "../lib/plan.js";
import { checks, explain, type JourneyResult, runJourney, samples } from "../testing/journey-run.js";
import { testPlan } from "../testing/plan.js";
import { getJson, type LocalPortal, startPortal } from "../testing/portal.js";
import { type RecordingProxy, startProxy } from "../testing/proxy.js";

/*
 * The province sync journey on the engine against the mock's national portal (the national-sync part), seen
 * through a recording proxy that stands for the province → national link.
 */

const planFor = (link: RecordingProxy, over: Omit<Partial<K6Plan>, "journeys"> = {}): K6Plan =>
  testPlan({
    nationalUrl: link.url,
    journeys: { sync: { dossiersPerBatch: 3, updatesPerBatch: 2 } },
    ...over,
  });

const batches = async (plan: K6Plan, n: number, body = "await syncBatch(plan);"): Promise<JourneyResult> => {
  const r = await runJourney({ plan, imports: { province: ["syncBatch"] }, body, iterations: n });
  expect(r.status, explain(r)).toBe("completed");
  expect(r.iterations?.errors, explain(r)).toBe(0);
  return r;
};

/** The dossier as the national portal returns it (TraCuuHoSo), asked by the test itself. */
const national = async (portal: LocalPortal, code: string) =>
  (
    await getJson<{ error_code: string; data?: { TrangThaiHoSo: number } }>(
      `${portal.nationalUrl}/TraCuuHoSo?MaHoSo=${encodeURIComponent(code)}`,
    )
  ).body;

const syncRecords = (r: JourneyResult) => r.records.filter((x) => x.ph === "sync");

describe("province sync journey (engine → mock national portal)", () => {
  it("logs in once per province, pushes each batch to the national link and records every code, none repeated", async () => {
    await using portal = await startPortal();
    await using link = await startProxy(portal.nationalUrl);
    const r = await batches(planFor(link), 5);
    const codes = syncRecords(r).map((x) => String(x.code));
    expect(codes).toHaveLength(15);
    expect(new Set(codes).size).toBe(15);
    for (const c of codes) expect(c).toMatch(dossierCodePattern);
    expect(syncRecords(r).every((x) => x.kind === "pushed")).toBe(true);
    for (const c of codes) expect((await national(portal, c)).error_code).toBe("00");
    expect(samples(r, "sync_pushed")).toHaveLength(15);
    // One session per province, reused.
    const logins = link.to("/login");
    expect(logins.length).toBeLessThanOrEqual(5);
    expect(new Set(logins.map((l) => (JSON.parse(l.body) as { username: string }).username)).size).toBe(
      logins.length,
    );
    const reqs = samples(r, "http_reqs");
    expect(reqs).toHaveLength(link.seen.length); // all through the national link
    for (const p of reqs) {
      expect(p.tags.url?.startsWith(link.url)).toBe(true);
      expect(p.tags).toMatchObject({
        journey: "province",
        step: "sync",
        province: expect.stringMatching(/^H\d{2}$/),
      });
    }
    expect(checks(r)["dossier pushed (00)"]).toEqual({ passes: 15, fails: 0 });
  });

  it("pushes status progress of earlier dossiers along 2 → 4 → 9 → 10 with fresh MessageIds", async () => {
    await using portal = await startPortal();
    await using link = await startProxy(portal.nationalUrl);
    const r = await batches(planFor(link), 6);
    const updates = link
      .to("/CapNhatTienDoHoSoMC")
      .map((s) => JSON.parse(s.body) as { MessageId: string; MaHoSo: string; TrangThaiHoSo: number });
    expect(updates.length).toBeGreaterThan(0);
    expect(new Set(updates.map((u) => u.MessageId)).size).toBe(updates.length);
    expect(updates.every((u) => [4, 9, 10].includes(u.TrangThaiHoSo))).toBe(true);
    // Each dossier's updates go up the chain in order.
    const byCode = new Map<string, typeof updates>();
    for (const u of updates) byCode.set(u.MaHoSo, [...(byCode.get(u.MaHoSo) ?? []), u]);
    for (const list of byCode.values())
      expect(list.map((u) => u.TrangThaiHoSo)).toEqual([4, 9, 10].slice(0, list.length));
    const statuses = await Promise.all(
      [...byCode.keys()].map(async (c) => (await national(portal, c)).data?.TrangThaiHoSo),
    );
    expect(statuses.some((s) => (s ?? 0) > 2)).toBe(true);
    expect(checks(r)["progress pushed (00)"]?.fails).toBe(0);
  });

  it("logs in again when the national portal says the session expired, and resends the same message", async () => {
    // Sessions last 1 s at the national portal, but it tells the province 60 s: the next batch finds it gone.
    await using portal = await startPortal({ "national-sync": { sessionTtlS: 1 } });
    await using link = await startProxy(portal.nationalUrl, (req) =>
      req.path === "/login" ? { rewrite: (b) => ({ ...b, expiresInS: 60 }) } : undefined,
    );
    const r = await batches(
      planFor(link, { provinces: { count: 1 } }),
      2,
      "if (i === 1) await wait(1200); await syncBatch(plan);",
    );
    const pushes = link.to("/DongBoHoSoMC");
    const answers = pushes.map((p) => (JSON.parse(p.answer) as { error_code: string }).error_code);
    expect(answers).toEqual(["00", "00", "00", "99", "00", "00", "00"]);
    const resent = pushes
      .slice(3, 5)
      .map((p) => JSON.parse(p.body) as { MessageId: string; session: string });
    expect(resent[0]?.MessageId).toMatch(/#1$/);
    expect(resent[1]?.MessageId).toBe(resent[0]?.MessageId); // the same message…
    expect(resent[1]?.session).not.toBe(resent[0]?.session); // …with a new session
    expect(link.to("/login")).toHaveLength(2);
    expect(syncRecords(r).map((x) => x.kind)).toEqual(Array(6).fill("pushed"));
  });

  it("measures sync lag from the push to the national portal showing the dossier", async () => {
    await using portal = await startPortal();
    await using link = await startProxy(portal.nationalUrl);
    const r = await batches(planFor(link), 2);
    expect(samples(r, "sync_lag_ms")).toEqual([
      expect.objectContaining({ tags: expect.objectContaining({ journey: "province", step: "sync" }) }),
      expect.anything(),
    ]);
    const lookups = link.to("/TraCuuHoSo");
    expect(lookups).toHaveLength(2);
    // The batch's first dossier is the one looked up.
    const firsts = [0, 3].map((n) => syncRecords(r)[n]?.code);
    expect(lookups.map((l) => new URL(l.url, link.url).searchParams.get("MaHoSo"))).toEqual(firsts);
    expect(checks(r)["national portal has the dossier"]).toEqual({ passes: 2, fails: 0 });
  });

  it("does nothing without a national link (a URL target)", async () => {
    const r = await batches(testPlan({ journeys: { sync: { dossiersPerBatch: 3, updatesPerBatch: 2 } } }), 1);
    expect(samples(r, "http_reqs")).toHaveLength(0);
    expect(r.records).toHaveLength(0);
  });
});
