import { describe, expect, it } from "vitest";
import { sampleVerdict } from "../testing/sample-verdict.js";
import type { Verdict } from "../verdict/schema.js";
import { certificateCriteria, certificateOutcome } from "./criteria.js";
import { renderCertificateHtml } from "./html.js";
import type { Battery, Certificate } from "./schema.js";
import { verdictProblems } from "./verify.js";

const healthy = sampleVerdict();
const lost = sampleVerdict({ dossiers: { lost: 3 } });
const battery = (...requiredCriteria: string[]): Battery => ({
  name: "test",
  version: "1",
  requiredCriteria,
});

describe("the certificate's criteria", () => {
  it("holds every criterion of the verdict, required ones marked, a family pattern marking each member", () => {
    const rows = certificateCriteria(healthy.criteria, battery("steady-error-rate", "recover-<fault>"));
    expect(rows.map((r) => r.id)).toEqual(healthy.criteria.map((c) => c.id));
    expect(rows.filter((r) => r.required).map((r) => r.id)).toEqual([
      "steady-error-rate",
      "recover-citizen-outage",
    ]);
    const steady = rows.find((r) => r.id === "steady-error-rate");
    const judged = healthy.criteria.find((c) => c.id === "steady-error-rate");
    expect(steady).toMatchObject({
      status: "passed",
      value: judged?.observed,
      limit: judged?.threshold,
      unit: "ratio",
    });
  });

  it("adds a not-judged row for a required criterion the verdict does not hold", () => {
    const rows = certificateCriteria(healthy.criteria, battery("no-such-criterion"));
    expect(rows.at(-1)).toEqual({
      id: "no-such-criterion",
      title: "no-such-criterion",
      status: "not-judged",
      required: true,
      reason: "the verdict has no such criterion",
    });
  });

  it("keeps a not-judged criterion's reason", () => {
    const row = certificateCriteria(healthy.criteria, battery("failover")).find((r) => r.id === "failover");
    expect(row).toMatchObject({ status: "not-judged", required: true, reason: expect.stringMatching(/./) });
    expect(row?.value).toBeUndefined();
  });
});

describe("certified iff every required criterion passed and none failed", () => {
  it.each<[string, Verdict, string[], Certificate["outcome"]]>([
    ["all required passed", healthy, ["steady-error-rate", "dossiers-lost"], "certified"],
    ["a failed criterion that is not required", lost, ["steady-error-rate"], "not-certified"],
    ["a required criterion failed", lost, ["steady-error-rate", "dossiers-lost"], "not-certified"],
    ["a required criterion not judged", healthy, ["steady-error-rate", "failover"], "not-certified"],
    ["a required criterion missing", healthy, ["steady-error-rate", "no-such-criterion"], "not-certified"],
    ["a required family with every member passed", healthy, ["recover-<fault>"], "certified"],
  ])("%s", (_, verdict, required, outcome) => {
    expect(certificateOutcome(verdict.criteria, battery(...required))).toBe(outcome);
  });
});

const certificateOf = (verdict: Verdict, b: Battery): Certificate => ({
  schemaVersion: 1,
  battery: b,
  target: verdict.target,
  runId: verdict.runId,
  issuedAt: "2026-12-02T10:00:00.000Z",
  scale: {
    profile: verdict.profile,
    faultPlan: verdict.faultPlan,
    plannedPeakRequestsPerS: 50,
    referencePeakRequestsPerS: 5000,
    shareOfReferencePeak: 0.01,
    durationS: 60,
    achievedRequests: verdict.load.achievedRequests,
  },
  outcome: certificateOutcome(verdict.criteria, b),
  verdictOutcome: verdict.outcome,
  criteria: certificateCriteria(verdict.criteria, b),
  fingerprint: (({ dataHashes: _, ...f }) => f)(verdict.fingerprint),
  files: [{ path: "results.json.gz", sha256: "a".repeat(64), bytes: 1234 }],
  digest: "b".repeat(64),
});

describe("the certificate against the verdict recomputed from the run", () => {
  const b = battery("steady-error-rate", "dossiers-lost");

  it("agrees with the verdict it was made from", () => {
    expect(verdictProblems(certificateOf(healthy, b), healthy)).toEqual([]);
  });

  it("names each criterion whose status differs, and the outcome", () => {
    expect(verdictProblems(certificateOf(healthy, b), lost)).toEqual([
      "criterion dossiers-lost: the certificate says passed (required), the run's data give failed (required)",
      "outcome: the certificate says certified, the run's data give not-certified",
      "verdictOutcome: the certificate says passed, the run's data give failed",
    ]);
  });

  it("names a criterion only one side holds, another run and another fingerprint", () => {
    const cert = certificateOf(healthy, b);
    const other = {
      ...healthy,
      runId: "other",
      criteria: healthy.criteria.filter((c) => c.id !== "steady-p95"),
    };
    other.fingerprint = { ...healthy.fingerprint, seed: healthy.fingerprint.seed + 1 };
    expect(verdictProblems(cert, other)).toEqual([
      `runId: the certificate says ${healthy.runId}, the run directory holds other`,
      "fingerprint: differs from the one in run.json",
      "criterion steady-p95: in the certificate, not in the verdict recomputed from the run",
    ]);
    const more = { ...healthy, criteria: [...healthy.criteria, { ...lost.criteria[0], id: "new-one" }] };
    expect(verdictProblems(cert, more as Verdict)).toEqual([
      "criterion new-one: in the verdict recomputed from the run, not in the certificate",
    ]);
  });
});

describe("certificate.html", () => {
  it("one self-contained page: outcome, a row per criterion, scale, hashes, unsigned said plainly", () => {
    const html = renderCertificateHtml(certificateOf(lost, battery("dossiers-lost")));
    expect(html).toMatch(/id="outcome">NOT CERTIFIED</);
    expect(html.match(/<tr class="(required|optional)">/g)).toHaveLength(lost.criteria.length);
    expect(html).toMatch(/50 requests\/s: 1 % of the July-1 peak \(5,000 requests\/s\)/);
    expect(html).toContain("a".repeat(64));
    expect(html).toMatch(/not signed/);
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});
