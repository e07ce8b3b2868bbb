import { describe, expect, it } from "vitest";
import type { NationalSync } from "../../reconcile/national.js";
import type { Criterion } from "../schema.js";
import { nationalSyncCriteria } from "./national-sync.js";

const code = "000.00.00.H01-260701-0001";

const national = (o: Partial<NationalSync>): NationalSync => ({
  checked: 10,
  synced: 10,
  missing: 0,
  stale: 0,
  lookupErrors: 0,
  drainWithinS: 30,
  deadlineAt: "2026-07-01T01:00:00.000Z",
  rounds: 1,
  examples: { missing: [], stale: [] },
  ...o,
});

describe("national-sync-missing and national-sync-stale", () => {
  it.each<[string, NationalSync | undefined, Array<[Criterion["status"], number | null]>, RegExp | null]>([
    [
      "all synced: both pass",
      national({}),
      [
        ["passed", 0],
        ["passed", 0],
      ],
      null,
    ],
    [
      "missing and stale: both fail, named",
      national({
        synced: 7,
        missing: 2,
        stale: 1,
        examples: { missing: [code], stale: [`${code} (national 1, portal 4)`] },
      }),
      [
        ["failed", 2],
        ["failed", 1],
      ],
      /e\.g\. 000/,
    ],
    [
      "nothing found: not judged",
      national({ checked: 0, synced: 0 }),
      [
        ["not-judged", 0],
        ["not-judged", 0],
      ],
      /not exercised/,
    ],
    [
      "the target has no nationalDossier: not judged",
      national({ notExposed: "the target answers 404" }),
      [
        ["not-judged", 0],
        ["not-judged", 0],
      ],
      /does not expose/,
    ],
    [
      "an old reconciliation: not judged",
      undefined,
      [
        ["not-judged", null],
        ["not-judged", null],
      ],
      /no data/,
    ],
  ])("%s", (_, input, expected, text) => {
    const c = nationalSyncCriteria(input);
    expect(c.map((x) => x.id)).toEqual(["national-sync-missing", "national-sync-stale"]);
    expect(c.map((x) => [x.status, x.observed])).toEqual(expected);
    if (text) expect(c[0]?.reason ?? c[0]?.note).toMatch(text);
  });
});
