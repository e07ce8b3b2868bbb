import { describe, expect, it } from "vitest";
import { catalogueEntry, criteriaCatalogue, criterionInfo, criterionTitleVi } from "./catalogue.js";

describe("the criteria catalogue", () => {
  it("holds each id once, each with a title in both languages, a unit, a family and the defect it catches", () => {
    const ids = criteriaCatalogue.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of criteriaCatalogue) {
      expect(e.title, e.id).not.toBe("");
      expect(e.unit, e.id).not.toBe("");
      expect(e.catches, e.id).not.toBe("");
      if (e.pattern === undefined) expect(typeof e.titleVi, e.id).toBe("string");
    }
  });

  it.each([
    "steady-error-rate",
    "steady-p95",
    "fault-start-skew",
    "slo-acknowledgement-p95",
    "error-budget",
    "dossiers-lost",
    "dossiers-duplicated",
    "dossiers-code-shared",
    "dossiers-illegal-transitions",
    "dossiers-stuck",
    "dossiers-lookup-errors",
    "failover",
    "failover-refused-writes",
    "queue-drain",
    "sync-drain",
    "retry-after-sent",
    "shedding-refusal-fast",
    "shedding-retry-after",
    "shedding-admitted-latency",
    "identity-isolation",
    "identity-isolation-errors",
    "national-sync-missing",
    "national-sync-stale",
    "payments-unsettled",
    "payments-dossier-unpaid",
    "load-held",
    "safety-abort",
  ])("holds the fixed id %s", (id) => {
    expect(criterionInfo(id).id).toBe(id);
  });

  it.each<[string, string, string]>([
    ["slo-submit-p95", "slo-<step>-<stat>", "SLO: độ trễ p95 của bước submit (trạng thái ổn định)"],
    ["slo-sign-in-error-rate", "slo-<step>-<stat>", "SLO: tỷ lệ lỗi của bước sign-in (trạng thái ổn định)"],
    ["recover-citizen-outage", "recover-<fault>", "Phục hồi sau sự cố citizen-outage"],
    [
      "slo-acknowledgement-p95",
      "slo-acknowledgement-p95",
      "SLO: p95 thời gian từ lần nộp đầu tiên đến khi được xác nhận",
    ],
  ])("matches the generated id %s to %s", (id, entry, vi) => {
    expect(catalogueEntry(id)?.id).toBe(entry);
    expect(criterionTitleVi(id, "english")).toBe(vi);
  });

  it("knows no other id, and keeps the English title for one it does not know", () => {
    expect(catalogueEntry("recover")).toBeUndefined();
    expect(catalogueEntry("slo-submit-p50")).toBeUndefined();
    expect(() => criterionInfo("slo-submit-p95")).toThrow(/not in the catalogue/);
    expect(criterionTitleVi("something-new", "Something new")).toBe("Something new");
  });
});
