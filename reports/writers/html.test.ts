import { describe, expect, it } from "vitest";
import { sampleVerdict } from "../testing/sample-verdict.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";

describe("HTML report", () => {
  const v = sampleVerdict({
    dossiers: {
      lost: 1,
      examples: {
        lost: ["<script>alert(1)</script>"],
        duplicated: [],
        malformed: [],
        stuck: [],
        illegal: [],
      },
    },
  });
  const html = renderHtml({ verdict: v, series: null, lang: "en", dashboardHref: "k6-dashboard.html" });

  it("is self-contained: a CSP that forbids scripts and fetches, no external reference at all", () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("has one verdict row per criterion, shaded fault windows on every chart, and labelled assumptions", () => {
    expect(html.match(/<tr class="criterion /g)).toHaveLength(v.criteria.length);
    const charts = html.match(/<svg /g)?.length ?? 0;
    expect(charts).toBeGreaterThanOrEqual(3);
    expect(html.match(/class="fault-window"/g)).toHaveLength(charts * v.faults.length);
    expect(html).toContain("<strong>Assumption:</strong>");
  });

  it("speaks Vietnamese with --lang vi, in HTML and Markdown", () => {
    const vi = renderHtml({ verdict: v, series: null, lang: "vi", dashboardHref: null });
    expect(vi).toContain('<html lang="vi">');
    expect(vi).toContain("Hồ sơ đã xác nhận nhưng tra cứu không thấy");
    expect(vi).toContain("KHÔNG ĐẠT");
    expect(renderMarkdown(v, "vi")).toContain("## Tiêu chí");
    expect(renderMarkdown(v)).toContain("## Criteria");
  });
});
