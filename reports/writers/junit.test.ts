import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { sampleVerdict } from "../testing/sample-verdict.js";
import { renderJunit } from "./junit.js";

interface Case {
  "@_name": string;
  "@_classname": string;
  failure?: { "@_message": string; "#text": string };
  skipped?: { "@_message": string };
}

const parse = (xml: string) => {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === "testcase" || name === "testsuite",
  }).parse(xml) as {
    testsuites: {
      "@_tests": string;
      "@_failures": string;
      "@_skipped": string;
      testsuite: Array<{ "@_failures": string; "@_skipped": string; testcase: Case[] }>;
    };
  };
  return doc.testsuites;
};

describe("JUnit report", () => {
  it("has one test case per criterion and a failure per failed criterion", () => {
    const v = sampleVerdict({
      dossiers: {
        lost: 3,
        examples: { lost: ['x<&>"y'], duplicated: [], malformed: [], stuck: [], illegal: [] },
      },
      slowMs: 12_000,
    });
    const failed = v.criteria.filter((c) => c.status === "failed");
    expect(failed.length).toBeGreaterThanOrEqual(2);
    const suites = parse(renderJunit(v));
    const cases = suites.testsuite[0]?.testcase ?? [];
    expect(cases).toHaveLength(v.criteria.length);
    expect(cases.filter((c) => c.failure !== undefined)).toHaveLength(failed.length);
    expect(Number(suites["@_failures"])).toBe(failed.length);
    expect(Number(suites["@_tests"])).toBe(v.criteria.length);
    expect(cases.find((c) => c["@_name"].startsWith("dossiers-lost"))?.failure?.["@_message"]).toContain(
      "observed 3 dossiers",
    );
  });

  it("a passing run has no failure", () => {
    const v = sampleVerdict();
    expect(v.outcome).toBe("passed");
    const suites = parse(renderJunit(v));
    expect(suites["@_failures"]).toBe("0");
  });

  it("skips each criterion not judged, with why in the message, and counts it neither passed nor failed", () => {
    const v = sampleVerdict({ dossiers: { keyRetriesReachedPortal: 0 } });
    const unjudged = v.criteria.filter((c) => c.status === "not-judged");
    expect(unjudged.map((c) => c.id)).toContain("dossiers-duplicated");
    const suites = parse(renderJunit(v));
    const cases = suites.testsuite[0]?.testcase ?? [];
    expect(cases.filter((c) => c.skipped !== undefined)).toHaveLength(unjudged.length);
    expect(cases.filter((c) => c.failure !== undefined)).toHaveLength(0);
    expect(suites["@_skipped"]).toBe(String(unjudged.length));
    expect(suites.testsuite[0]?.["@_skipped"]).toBe(String(unjudged.length));
    expect(cases.find((c) => c["@_name"].startsWith("dossiers-duplicated"))?.skipped?.["@_message"]).toBe(
      "not judged: not exercised in this run: no retry reusing an idempotency key reached the portal (every retry followed a refused connection, or none was needed)",
    );
  });

  it("groups test cases by the catalogue's family and names the defect a failure catches", () => {
    const v = sampleVerdict({ dossiers: { lost: 2 } });
    const cases = parse(renderJunit(v)).testsuite[0]?.testcase ?? [];
    const lost = cases.find((c) => c["@_name"].startsWith("dossiers-lost"));
    expect(lost?.["@_classname"]).toBe("portal-harness.criteria.dossiers");
    expect(lost?.failure?.["#text"]).toContain("catches: acknowledged writes lost");
    expect(cases.find((c) => c["@_name"].startsWith("recover-"))?.["@_classname"]).toBe(
      "portal-harness.criteria.resilience",
    );
  });
});

describe("JUnit report for a battery (gate, certify)", () => {
  it("a required criterion not judged is a failure; one the verdict lacks is a failed case of its own", () => {
    const v = sampleVerdict({});
    const unjudged = v.criteria.find((c) => c.status === "not-judged");
    expect(unjudged, "the sample verdict has a criterion not judged").toBeDefined();
    const id = unjudged?.id ?? "";
    const required = [
      { id, result: "missed" as const, reason: `${id}: not exercised` },
      { id: "no-such-criterion", result: "missed" as const, reason: "the verdict has no such criterion" },
    ];
    const plain = parse(renderJunit(v));
    const suites = parse(renderJunit(v, { label: "gate 2026.1", required }));
    expect(Number(suites["@_tests"])).toBe(Number(plain["@_tests"]) + 1);
    expect(Number(suites["@_failures"])).toBe(Number(plain["@_failures"]) + 2);
    expect(Number(suites["@_skipped"])).toBe(Number(plain["@_skipped"]) - 1);
    const cases = suites.testsuite[0]?.testcase ?? [];
    const turned = cases.find((c) => c["@_name"].startsWith(`${id}:`));
    expect(turned?.failure?.["@_message"]).toMatch(/^required by gate 2026\.1 but not judged: /);
    expect(turned?.skipped).toBeUndefined();
    const absent = cases.find((c) => c["@_name"] === "no-such-criterion");
    expect(absent?.["@_classname"]).toBe("portal-harness.required");
    expect(absent?.failure?.["@_message"]).toMatch(/the verdict has no such criterion/);
  });
});
