import { describe, expect, it } from "vitest";
import type { DossierSummary } from "../../reconcile/reconcile.js";
import { dossierCriteria } from "./dossiers.js";

type Found = Pick<DossierSummary, "lost" | "duplicated" | "illegalTransitions" | "stuck" | "lookupErrors">;
const clean: Found = { lost: 0, duplicated: 0, illegalTransitions: 0, stuck: 0, lookupErrors: 0 };

describe("dossier criteria (reconciliation)", () => {
  type Brief = [id: string, passed: boolean, observed: number | null, note?: string];
  it.each<
    [string, Partial<typeof clean> & { stuck?: number | null; illegalTransitions?: number | null }, Brief[]]
  >([
    [
      "nothing wrong",
      {},
      [
        ["dossiers-lost", true, 0],
        ["dossiers-duplicated", true, 0],
        ["dossiers-illegal-transitions", true, 0],
        ["dossiers-stuck", true, 0],
        ["dossiers-lookup-errors", true, 0],
      ],
    ],
    [
      "one of each is one too many",
      { lost: 1, duplicated: 1, illegalTransitions: 1, stuck: 1, lookupErrors: 1 },
      [
        ["dossiers-lost", false, 1],
        ["dossiers-duplicated", false, 1],
        ["dossiers-illegal-transitions", false, 1],
        ["dossiers-stuck", false, 1],
        ["dossiers-lookup-errors", false, 1],
      ],
    ],
    [
      "no status history: illegal moves cannot be checked, and that fails",
      { illegalTransitions: null },
      [
        ["dossiers-lost", true, 0],
        ["dossiers-duplicated", true, 0],
        ["dossiers-illegal-transitions", false, null, "the portal returned no status history"],
        ["dossiers-stuck", true, 0],
        ["dossiers-lookup-errors", true, 0],
      ],
    ],
    [
      "nothing progressed at all: stuck is not judged",
      { stuck: null, lost: 2 },
      [
        ["dossiers-lost", false, 2],
        ["dossiers-duplicated", true, 0],
        ["dossiers-illegal-transitions", true, 0],
        ["dossiers-lookup-errors", true, 0],
      ],
    ],
  ])("%s", (_, change, expected) => {
    const got = dossierCriteria({ ...clean, ...change }).map(
      (c): Brief =>
        c.note === undefined ? [c.id, c.passed, c.observed] : [c.id, c.passed, c.observed, c.note],
    );
    expect(got).toEqual(expected);
  });

  it("titles and units; none allowed", () => {
    expect(dossierCriteria(clean).map((c) => [c.title, c.threshold, c.unit])).toEqual([
      ["Acknowledged dossiers the portal cannot find", 0, "dossiers"],
      ["Idempotency keys that produced more than one dossier", 0, "dossiers"],
      ["Dossiers whose status history makes an illegal move", 0, "dossiers"],
      ["Dossiers with no progress past the deadline", 0, "dossiers"],
      ["Reconciliation complete (lookups that failed after retries)", 0, "lookups"],
    ]);
  });
});
