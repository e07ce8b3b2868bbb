import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { sampleVerdict } from "../testing/sample-verdict.js";
import { renderJunit } from "./junit.js";

interface Case {
  "@_name": string;
  failure?: { "@_message": string };
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
      testsuite: Array<{ "@_failures": string; testcase: Case[] }>;
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
    const failed = v.criteria.filter((c) => !c.passed);
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
});
