import { describe, expect, it } from "vitest";
import { type DossierFigures, dossierCriteria } from "./dossiers.js";

const clean: DossierFigures = {
  acknowledged: 10,
  found: 10,
  lost: 0,
  duplicated: 0,
  illegalTransitions: 0,
  stuck: 0,
  lookupErrors: 0,
  keyRetriesReachedPortal: 2,
};

type Status = "passed" | "failed" | "not-judged";
type Brief = [id: string, status: Status, observed: number | null, remark?: string];

const brief = (d: DossierFigures): Brief[] =>
  dossierCriteria(d).map((c): Brief => {
    const remark = c.status === "not-judged" ? c.reason : c.note;
    return remark === undefined ? [c.id, c.status, c.observed] : [c.id, c.status, c.observed, remark];
  });

const noAck = "not exercised in this run: no dossier was acknowledged";
const noRetry =
  "not exercised in this run: no retry reusing an idempotency key reached the portal (every retry followed a refused connection, or none was needed)";

describe("dossier criteria (reconciliation)", () => {
  it.each<[string, Partial<DossierFigures>, Brief[]]>([
    [
      "nothing wrong, every defect could have shown",
      {},
      [
        ["dossiers-lost", "passed", 0],
        ["dossiers-duplicated", "passed", 0],
        ["dossiers-illegal-transitions", "passed", 0],
        ["dossiers-stuck", "passed", 0],
        ["dossiers-lookup-errors", "passed", 0],
      ],
    ],
    [
      "one of each is one too many",
      { lost: 1, duplicated: 1, illegalTransitions: 1, stuck: 1, lookupErrors: 1 },
      [
        ["dossiers-lost", "failed", 1],
        ["dossiers-duplicated", "failed", 1],
        ["dossiers-illegal-transitions", "failed", 1],
        ["dossiers-stuck", "failed", 1],
        ["dossiers-lookup-errors", "failed", 1],
      ],
    ],
    [
      "no status history from a portal that found dossiers: illegal moves cannot be checked, and that fails",
      { illegalTransitions: null },
      [
        ["dossiers-lost", "passed", 0],
        ["dossiers-duplicated", "passed", 0],
        ["dossiers-illegal-transitions", "failed", null, "the portal returned no status history"],
        ["dossiers-stuck", "passed", 0],
        ["dossiers-lookup-errors", "passed", 0],
      ],
    ],
    [
      "no acknowledged dossier: nothing is judged",
      { acknowledged: 0, found: 0, illegalTransitions: null, stuck: null, keyRetriesReachedPortal: 0 },
      [
        ["dossiers-lost", "not-judged", 0, noAck],
        ["dossiers-duplicated", "not-judged", 0, noAck],
        ["dossiers-illegal-transitions", "not-judged", null, noAck],
        ["dossiers-stuck", "not-judged", null, noAck],
        ["dossiers-lookup-errors", "not-judged", 0, noAck],
      ],
    ],
    [
      "no retry with a reused key reached the portal: duplicates not judged",
      { keyRetriesReachedPortal: 0 },
      [
        ["dossiers-lost", "passed", 0],
        ["dossiers-duplicated", "not-judged", 0, noRetry],
        ["dossiers-illegal-transitions", "passed", 0],
        ["dossiers-stuck", "passed", 0],
        ["dossiers-lookup-errors", "passed", 0],
      ],
    ],
    [
      "a duplicate found fails even when no retry was seen to reach the portal",
      { keyRetriesReachedPortal: 0, duplicated: 2 },
      [
        ["dossiers-lost", "passed", 0],
        ["dossiers-duplicated", "failed", 2],
        ["dossiers-illegal-transitions", "passed", 0],
        ["dossiers-stuck", "passed", 0],
        ["dossiers-lookup-errors", "passed", 0],
      ],
    ],
    [
      "records that do not say whether retries reached the portal (an older run): duplicates not judged",
      { keyRetriesReachedPortal: undefined },
      [
        ["dossiers-lost", "passed", 0],
        [
          "dossiers-duplicated",
          "not-judged",
          0,
          "no data: the dossier records do not say whether any retry reached the portal",
        ],
        ["dossiers-illegal-transitions", "passed", 0],
        ["dossiers-stuck", "passed", 0],
        ["dossiers-lookup-errors", "passed", 0],
      ],
    ],
    [
      "the stuck deadline did not fit in the run: stuck not judged, with reconciliation's figures",
      { stuck: null, stuckReason: "the deadline (60 s) does not fit: 42.0 s" },
      [
        ["dossiers-lost", "passed", 0],
        ["dossiers-duplicated", "passed", 0],
        ["dossiers-illegal-transitions", "passed", 0],
        [
          "dossiers-stuck",
          "not-judged",
          null,
          "not exercised in this run: the deadline (60 s) does not fit: 42.0 s",
        ],
        ["dossiers-lookup-errors", "passed", 0],
      ],
    ],
    [
      "nothing progressed at all: stuck not judged; lost still fails",
      { stuck: null, lost: 2 },
      [
        ["dossiers-lost", "failed", 2],
        ["dossiers-duplicated", "passed", 0],
        ["dossiers-illegal-transitions", "passed", 0],
        [
          "dossiers-stuck",
          "not-judged",
          null,
          "not exercised in this run: no dossier progressed past its first status, so stuck dossiers cannot be told from unprocessed ones",
        ],
        ["dossiers-lookup-errors", "passed", 0],
      ],
    ],
    [
      "every acknowledged dossier lost: no history to check illegal moves in, not judged",
      { found: 0, lost: 10, illegalTransitions: null, stuck: null, stuckReason: "x" },
      [
        ["dossiers-lost", "failed", 10],
        ["dossiers-duplicated", "passed", 0],
        [
          "dossiers-illegal-transitions",
          "not-judged",
          null,
          "no data: no acknowledged dossier was found to check",
        ],
        ["dossiers-stuck", "not-judged", null, "not exercised in this run: x"],
        ["dossiers-lookup-errors", "passed", 0],
      ],
    ],
  ])("%s", (_, change, expected) => {
    expect(brief({ ...clean, ...change })).toEqual(expected);
  });

  it("titles and units from the catalogue; none allowed", () => {
    expect(dossierCriteria(clean).map((c) => [c.title, c.threshold, c.unit])).toEqual([
      ["Acknowledged dossiers the portal cannot find", 0, "dossiers"],
      ["Idempotency keys that produced more than one dossier", 0, "dossiers"],
      ["Dossiers whose status history makes an illegal move", 0, "dossiers"],
      ["Dossiers with no progress past the deadline", 0, "dossiers"],
      ["Reconciliation complete (lookups that failed after retries)", 0, "lookups"],
    ]);
  });
});
