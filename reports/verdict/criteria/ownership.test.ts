import { describe, expect, it } from "vitest";
import type { Criterion } from "../schema.js";
import { codeSharedCriteria } from "./ownership.js";

const code = "000.00.00.H01-260701-0001";

describe("dossiers-code-shared", () => {
  it.each<
    [string, Parameters<typeof codeSharedCriteria>[0], Criterion["status"], number | null, RegExp | null]
  >([
    [
      "none shared: passed",
      { acknowledged: 5, codeShared: 0, examples: { codeShared: [] } },
      "passed",
      0,
      null,
    ],
    [
      "one shared: failed, named by code",
      { acknowledged: 5, codeShared: 1, examples: { codeShared: [`${code} (keys a + b)`] } },
      "failed",
      1,
      new RegExp(code.replaceAll(".", "\\.")),
    ],
    [
      "nothing acknowledged: not judged",
      { acknowledged: 0, codeShared: 0, examples: {} },
      "not-judged",
      0,
      /not exercised/,
    ],
    ["an old reconciliation: not judged", { acknowledged: 5, examples: {} }, "not-judged", null, /no data/],
  ])("%s", (_, input, status, observed, text) => {
    const [c] = codeSharedCriteria(input);
    expect(c).toMatchObject({ id: "dossiers-code-shared", status, observed, threshold: 0, unit: "codes" });
    if (text) expect(c?.reason ?? c?.note).toMatch(text);
    else expect(c?.note).toBeUndefined();
  });
});
