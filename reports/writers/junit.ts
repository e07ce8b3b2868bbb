import { catalogueEntry } from "../verdict/catalogue.js";
import { type RequiredResult, requiredMatches } from "../verdict/required.js";
import type { Verdict } from "../verdict/schema.js";
import { escapeXml as esc } from "./svg-chart.js";

const fmt = (v: number | null, unit: string): string => (v === null ? "none" : `${v} ${unit}`);

/**
 * JUnit XML for any CI: one test case per criterion, a failure per failed criterion (and nothing else, so
 * failures = failed criteria), a skip per criterion not judged (its reason in the message). Test cases are
 * grouped by the catalogue's family (`portal-harness.criteria.dossiers`), and a failure names the defect. Why a run was
 * inconclusive goes into properties and system-out.
 *
 * For a battery (`gate`, `certify`), `required` turns a required criterion that was not judged into a failure
 * (a battery cannot pass on what it did not see), and one the verdict lacks into a failed case of its own.
 */
export const renderJunit = (
  v: Verdict,
  battery?: { label: string; required: readonly RequiredResult[] },
): string => {
  const missed = (battery?.required ?? []).filter((r) => r.result === "missed");
  const isMissed = (id: string) => missed.some((r) => requiredMatches(r.id, id));
  const absent = missed.filter((r) => !v.criteria.some((c) => requiredMatches(r.id, c.id)));
  const failures =
    v.criteria.filter((c) => c.status === "failed" || (c.status === "not-judged" && isMissed(c.id))).length +
    absent.length;
  const skipped = v.criteria.filter((c) => c.status === "not-judged" && !isMissed(c.id)).length;
  const tests = v.criteria.length + absent.length;
  const suite = `portal-harness ${v.runId}`;
  const lines: string[] = [];
  lines.push('<?xml version="1.0" encoding="UTF-8"?>');
  lines.push(
    `<testsuites name="portal-harness" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
  );
  lines.push(
    `  <testsuite name="${esc(suite)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0" timestamp="${esc(v.loadStartedAt.replace(/Z$/, ""))}">`,
  );
  lines.push("    <properties>");
  const props: Array<[string, string]> = [
    ["outcome", v.outcome],
    ["target", v.target],
    ["profile", v.profile],
    ["faultPlan", v.faultPlan],
    ["seed", String(v.fingerprint.seed)],
    ["gitRevision", v.fingerprint.gitRevision ?? "unknown"],
    ...(battery ? [["battery", battery.label] as [string, string]] : []),
    ...v.inconclusiveReasons.map((r, i): [string, string] => [`inconclusive.${i}`, r]),
  ];
  for (const [name, value] of props)
    lines.push(`      <property name="${esc(name)}" value="${esc(value)}"/>`);
  lines.push("    </properties>");
  for (const c of v.criteria) {
    const cmp = c.comparison === ">=" ? ">=" : "<=";
    const detail = `observed ${fmt(c.observed, c.unit)}, threshold ${cmp} ${fmt(c.threshold, c.unit)}${c.note ? ` (${c.note})` : ""}`;
    const entry = catalogueEntry(c.id);
    const family = entry ? `.${entry.family}` : "";
    const open = `    <testcase classname="portal-harness.criteria${family}" name="${esc(`${c.id}: ${c.title}`)}" time="0"`;
    if (c.status === "passed") lines.push(`${open}/>`);
    else if (c.status === "not-judged" && isMissed(c.id)) {
      const why = `required by ${battery?.label ?? "the battery"} but not judged: ${c.reason ?? ""}`;
      lines.push(
        `${open}>`,
        `      <failure message="${esc(why)}" type="required-not-judged">${esc(why)}</failure>`,
      );
      lines.push("    </testcase>");
    } else if (c.status === "not-judged") {
      lines.push(`${open}>`);
      lines.push(`      <skipped message="${esc(`not judged: ${c.reason ?? ""}`)}"/>`);
      lines.push("    </testcase>");
    } else {
      lines.push(`${open}>`);
      const body = entry ? `${detail}\ncatches: ${entry.catches}` : detail;
      lines.push(`      <failure message="${esc(detail)}" type="criterion">${esc(body)}</failure>`);
      lines.push("    </testcase>");
    }
  }
  for (const r of absent) {
    const why = `required by ${battery?.label ?? "the battery"}: ${r.reason ?? "not in the verdict"}`;
    lines.push(`    <testcase classname="portal-harness.required" name="${esc(r.id)}" time="0">`);
    lines.push(`      <failure message="${esc(why)}" type="required-not-judged">${esc(why)}</failure>`);
    lines.push("    </testcase>");
  }
  const out = [`outcome: ${v.outcome}`, ...v.inconclusiveReasons.map((r) => `inconclusive: ${r}`)];
  lines.push(`    <system-out>${esc(out.join("\n"))}</system-out>`);
  lines.push("  </testsuite>");
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
};
