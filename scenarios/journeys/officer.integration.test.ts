import { describe, expect, it } from "vitest";
import { isLegalTransition } from "../../contract/dossier.js";
import type { JourneySettings, K6Plan } from "../lib/plan.js";
import { checks, explain, type JourneyResult, runJourney, samples } from "../testing/journey-run.js";
import { testPlan } from "../testing/plan.js";
import { getJson, type LocalPortal, startPortal } from "../testing/portal.js";
import { type RecordingProxy, startProxy } from "../testing/proxy.js";

/*
 * The officer journey on the engine against the real mock. Citizens submit straight to the gateway; officers
 * reach it through a recording proxy (their own link), so every request the proxy sees is an officer's.
 * Iteration n submits the n-th dossier and then takes it, as the officer scenario does `pickUpAfterS` later.
 */

const officer = { dossierShare: 1, rejectShare: 0, moreDocumentsShare: 0, signShare: 0 };
const planWith = (
  portal: LocalPortal,
  link: RecordingProxy,
  o: Partial<NonNullable<JourneySettings["officer"]>> = {},
): K6Plan =>
  testPlan({ baseUrl: portal.url, officerUrl: link.url, journeys: { officer: { ...officer, ...o } } });

/** Citizens submit `submissions` dossiers (iterations 0..n-1); every iteration then runs the officer. */
const submitThenProcess = async (
  plan: K6Plan,
  submissions: number,
  iterations = submissions,
): Promise<JourneyResult> => {
  const r = await runJourney({
    plan,
    imports: { citizen: ["submit"], officer: ["processNext"] },
    body: `if (i < ${submissions}) await submit(plan); await processNext(plan);`,
    iterations,
  });
  expect(r.status, explain(r)).toBe("completed");
  expect(r.iterations?.errors, explain(r)).toBe(0);
  return r;
};

/** Statuses each dossier went through, from the transitions the officers sent. */
const paths = (link: RecordingProxy): Map<string, number[]> => {
  const seen = new Map<string, number[]>();
  for (const r of link.to("/transitions")) {
    const code = decodeURIComponent(/dossiers\/([^/]+)\/transitions/.exec(r.path)?.[1] ?? "");
    seen.set(code, [...(seen.get(code) ?? [1]), (JSON.parse(r.body) as { toStatus: number }).toStatus]);
  }
  return seen;
};

const statusAtPortal = async (portal: LocalPortal, code: string): Promise<number> =>
  (await getJson<{ status: number }>(`${portal.url}/api/v1/dossiers/${code}`)).body.status;

describe("officer journey (engine → mock)", () => {
  it("takes the n-th submission by its key through the officer link and works it to status 10", async () => {
    await using portal = await startPortal();
    await using link = await startProxy(portal.url);
    const r = await submitThenProcess(planWith(portal, link), 3);
    const keys = link
      .to("/api/v1/dossiers", "GET")
      .map((s) => new URL(s.url, link.url).searchParams.get("idempotencyKey"));
    expect(keys).toEqual(["run-test-d0", "run-test-d1", "run-test-d2"]);
    const walked = paths(link);
    expect(walked.size).toBe(3);
    for (const [code, p] of walked) {
      expect(p).toEqual([1, 2, 4, 9, 10]);
      expect(await statusAtPortal(portal, code)).toBe(10);
    }
    expect(samples(r, "dossiers_processed")).toHaveLength(3);
    // Every officer request went through the officer link, tagged with the dossier's province.
    const officerReqs = samples(r, "http_reqs").filter((p) => p.tags.journey === "officer");
    expect(officerReqs).toHaveLength(link.seen.length);
    for (const p of officerReqs) expect(p.tags.url?.startsWith(link.url)).toBe(true);
    const move = officerReqs.find((p) => p.tags.name === "POST /api/v1/dossiers/{code}/transitions");
    expect(move?.tags).toMatchObject({
      journey: "officer",
      step: "officer",
      province: expect.stringMatching(/^H\d{2}$/),
    });
    expect(checks(r)["legal move accepted"]).toEqual({ passes: 12, fails: 0 });
  });

  it("only ever sends legal moves, also when refusing, requesting documents and signing", async () => {
    await using portal = await startPortal();
    await using link = await startProxy(portal.url);
    const r = await submitThenProcess(
      planWith(portal, link, { rejectShare: 0.2, moreDocumentsShare: 0.5, signShare: 0.5 }),
      40,
    );
    const all = [...paths(link).values()];
    expect(all).toHaveLength(40);
    for (const p of all)
      for (let i = 1; i < p.length; i++) expect(isLegalTransition(p[i - 1] ?? 0, p[i] ?? 0)).toBe(true);
    expect(all.some((p) => p.at(-1) === 3)).toBe(true);
    expect(all.some((p) => p.includes(5))).toBe(true);
    // The portal accepted every move: it refuses illegal ones with 409.
    expect(checks(r)["legal move accepted"]?.fails).toBe(0);
    expect(samples(r, "dossiers_processed")).toHaveLength(40);
    const signed = link.to("/sign");
    expect(signed.length).toBeGreaterThan(0);
    // The document is signed by the officer it was forwarded to.
    const forwarded = link.to("/forward");
    expect(forwarded).toHaveLength(signed.length);
    const to = (JSON.parse(forwarded[0]?.body ?? "{}") as { toOfficerId: string }).toOfficerId;
    expect(JSON.parse(signed[0]?.body ?? "{}")).toEqual({ officerId: to });
    expect(checks(r)["document signed"]).toEqual({ passes: signed.length, fails: 0 });
    const drafted = samples(r, "http_reqs").filter((p) => p.tags.name === "POST /api/v1/documents");
    expect(drafted.length).toBe(signed.length);
    for (const p of drafted) expect(p.tags).toMatchObject({ journey: "officer", step: "documents" });
  });

  it("counts an empty queue when the submission was never made", async () => {
    await using portal = await startPortal();
    await using link = await startProxy(portal.url);
    const r = await submitThenProcess(planWith(portal, link), 1, 2);
    expect(samples(r, "officer_queue_empty")).toHaveLength(1);
    expect(samples(r, "dossiers_processed")).toHaveLength(1);
  });

  it("after a lost answer reads the dossier back and does not repeat a move that happened", async () => {
    await using portal = await startPortal();
    let lost = false;
    await using link = await startProxy(portal.url, (req) => {
      if (lost || !req.path.endsWith("/transitions")) return undefined;
      lost = true;
      return "lose-answer"; // the move is applied, its answer never arrives
    });
    const r = await submitThenProcess(planWith(portal, link), 1);
    const moves = link.to("/transitions").map((m) => (JSON.parse(m.body) as { toStatus: number }).toStatus);
    expect(moves).toEqual([2, 4, 9, 10]);
    const [code] = [...paths(link).keys()];
    expect(await statusAtPortal(portal, code ?? "")).toBe(10);
    // The lost answer is a failed request (status 0); the read-back found the move done.
    const transitions = samples(r, "http_reqs").filter(
      (p) => p.tags.name === "POST /api/v1/dossiers/{code}/transitions",
    );
    expect(transitions.map((p) => p.tags.status)).toEqual(["0", "200", "200", "200"]);
    expect(link.to(`/api/v1/dossiers/${code}`, "GET")).toHaveLength(1);
    expect(samples(r, "dossiers_processed")).toHaveLength(1);
  });
});
