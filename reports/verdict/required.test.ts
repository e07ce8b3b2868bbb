import { describe, expect, it } from "vitest";
import { notJudged } from "./criteria/judge.js";
import { type RequiredResult, requiredCriterion } from "./required.js";
import type { Criterion } from "./schema.js";

const c = (id: string, status: "passed" | "failed"): Criterion => ({
  id,
  title: id,
  status,
  passed: status === "passed",
  observed: 1,
  threshold: 0,
  unit: "x",
});
const unjudged = (id: string): Criterion =>
  notJudged(
    { id, title: id, observed: null, threshold: 0, unit: "x" },
    { because: "not-exercised", reason: "no retry reached the portal" },
  );

describe("a battery that requires a criterion: not judged is a miss", () => {
  it.each<[string, Criterion[], string, Omit<RequiredResult, "id">]>([
    ["passed", [c("dossiers-lost", "passed")], "dossiers-lost", { result: "passed" }],
    ["failed: caught", [c("dossiers-lost", "failed")], "dossiers-lost", { result: "failed" }],
    [
      "not judged: a miss, with its reason",
      [unjudged("dossiers-duplicated")],
      "dossiers-duplicated",
      {
        result: "missed",
        reason: "dossiers-duplicated: not exercised in this run: no retry reached the portal",
      },
    ],
    [
      "absent: a miss",
      [c("dossiers-lost", "failed")],
      "failover",
      { result: "missed", reason: "the verdict has no such criterion" },
    ],
    [
      "a family by its pattern: any failed member fails it",
      [c("slo-browse-p95", "passed"), unjudged("slo-meeting-p95"), c("slo-submit-p99", "failed")],
      "slo-<step>-<stat>",
      { result: "failed" },
    ],
    [
      "a family by its pattern: otherwise a not-judged member misses it",
      [c("slo-browse-p95", "passed"), unjudged("slo-meeting-p95")],
      "slo-<step>-<stat>",
      { result: "missed", reason: "slo-meeting-p95: not exercised in this run: no retry reached the portal" },
    ],
    [
      "an exact id does not match its family's other members",
      [c("slo-browse-p95", "failed")],
      "slo-submit-p95",
      {
        result: "missed",
        reason: "the verdict has no such criterion",
      },
    ],
  ])("%s", (_, criteria, wanted, expected) => {
    expect(requiredCriterion(criteria, wanted)).toEqual({ id: wanted, ...expected });
  });
});
