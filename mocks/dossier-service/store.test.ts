import { describe, expect, it } from "vitest";
import { isLegalTransition, legalTransitions } from "../../contract/dossier.js";
import { DossierStore, maxDailyPerAgency, portalDate } from "./store.js";

const at = new Date("2025-07-01T03:00:00Z");
const request = (agencyCode = "000.00.00.H12") => ({
  procedureCode: "1.001612",
  agencyCode,
  applicant: { citizenId: "999000000001", fullName: "A" },
  attachments: [],
  fees: [],
});

describe("dossier store", () => {
  it("codes are {agency}-{yyMMdd}-{NNNN} on the portal's clock (UTC+7), counted per agency", () => {
    const s = new DossierStore(() => new Date("2025-06-30T17:30:00Z"));
    expect(portalDate(new Date("2025-06-30T17:30:00Z"))).toBe("250701");
    const a = s.submit(request(), "key-0001");
    const b = s.submit(request(), "key-0002");
    const c = s.submit(request("000.00.05.H12"), "key-0003");
    expect([a, b, c].map((r) => (r.kind === "created" ? r.dossier.code : r.kind))).toEqual([
      "000.00.00.H12-250701-0001",
      "000.00.00.H12-250701-0002",
      "000.00.05.H12-250701-0001",
    ]);
  });

  it("the same idempotency key returns the same dossier; without idempotency it makes another", () => {
    const s = new DossierStore(() => at);
    const first = s.submit(request(), "key-0001");
    expect(s.submit(request(), "key-0001")).toMatchObject({ kind: "existing" });
    expect(first.kind).toBe("created");
    const careless = new DossierStore(() => at, false);
    careless.submit(request(), "key-0001");
    careless.submit(request(), "key-0001");
    expect(careless.byIdempotencyKey("key-0001")).toHaveLength(2);
  });

  it("refuses the 10,000th dossier of an agency and day", () => {
    const s = new DossierStore(() => at);
    for (let i = 0; i < maxDailyPerAgency; i++) s.submit(request(), `key-${i}-xxxx`);
    expect(s.submit(request(), "key-last-xxxx")).toMatchObject({ kind: "agency-limit", date: "250701" });
  });

  it("a promoted standby skips `gap` numbers on every counter, seen or not, so no code repeats", () => {
    const primary = new DossierStore(() => at);
    const standby = new DossierStore(() => at);
    for (let i = 0; i < 5; i++) {
      const r = primary.submit(request(), `key-${i}-xxxx`);
      if (r.kind === "created" && i < 3) standby.apply(r.op); // the last two never replicated
    }
    primary.submit(request("000.00.09.H12"), "key-other-x"); // a counter the standby never saw
    standby.promote(100);
    const next = standby.submit(request(), "key-new-xxxx");
    const fresh = standby.submit(request("000.00.09.H12"), "key-new-yyyy");
    expect(next.kind === "created" && next.dossier.code).toBe("000.00.00.H12-250701-0104");
    expect(fresh.kind === "created" && fresh.dossier.code).toBe("000.00.09.H12-250701-0101");
  });

  it("moves only along the status graph, and a paid dossier waiting for payment resumes processing", () => {
    const s = new DossierStore(() => at);
    const created = s.submit(request(), "key-0001");
    const code = created.kind === "created" ? created.dossier.code : "";
    expect(s.transition(code, 9, "CB-1")).toMatchObject({ kind: "illegal", from: 1, to: 9 });
    for (const to of [2, 4, 6]) expect(s.transition(code, to, "CB-1").kind).toBe("ok");
    expect(s.recordPayment(code, { paymentId: "GD-1", amountVnd: 10, result: "paid" })).toMatchObject({
      kind: "ok",
      dossier: { status: 4 },
    });
    expect(s.get(code)?.history.map((h) => h.status)).toEqual([1, 2, 4, 6, 4]);
    expect(s.transition("000.00.00.H12-250701-9999", 2, "CB-1").kind).toBe("not-found");
  });

  it("the graph has no way out of a final status and never goes back to 1", () => {
    for (const final of [3, 7, 8, 10]) expect(legalTransitions[final]).toEqual([]);
    for (let from = 1; from <= 10; from++) expect(isLegalTransition(from, 1)).toBe(false);
  });
});
