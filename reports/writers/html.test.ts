import { describe, expect, it } from "vitest";
import { sampleRun } from "../testing/sample-verdict.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";

describe("HTML report", () => {
  const { verdict: v, series } = sampleRun({
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
  const html = renderHtml({ verdict: v, series, lang: "en" });
  const vi = renderHtml({ verdict: v, series, lang: "vi" });

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

  it.each<[string, string[]]>([
    ["chart-vus", ["busy", "allocated"]],
    ["chart-start-lag", ["p50", "p99"]],
    ["chart-checks", ["passed", "failed"]],
    ["chart-data", ["sent", "received"]],
  ])("draws the load engine over time from series.json: %s", (id, lines) => {
    const chart = new RegExp(`<svg [^>]*id="${id}"[\\s\\S]*?</svg>`).exec(html)?.[0] ?? "";
    expect(chart, id).not.toBe("");
    for (const name of lines) expect(chart).toContain(`<path class="series" data-series="${name}"`);
  });

  it("draws dropped iterations only when there were some, and says so otherwise", () => {
    expect(html).not.toContain('id="chart-dropped"');
    expect(html).toContain("No iteration was dropped.");
    const dropped = sampleRun({ dropped: 3 });
    const withDrops = renderHtml({ verdict: dropped.verdict, series: dropped.series, lang: "en" });
    expect(withDrops).toMatch(/<svg [^>]*id="chart-dropped"/);
    expect(withDrops).not.toContain("No iteration was dropped.");
  });

  it("leaves the series charts out without series.json, and links to no dashboard of another load tool", () => {
    const bare = renderHtml({ verdict: v, series: null, lang: "en" });
    expect(bare).not.toContain('id="chart-vus"');
    expect(bare).toContain('id="engine"');
    expect(html).not.toMatch(/dashboard/i);
    expect(html.match(/k6/g) ?? []).toEqual([]);
  });

  it.each<[string, string, string]>([
    ["status", "completed", "hoàn thành (completed)"],
    ["workers", "2", "2"],
    ["start-offsets", "worker 0: 0.4 ms, worker 1: 1.3 ms", "worker 0: 0,4 ms, worker 1: 1,3 ms"],
    [
      "iterations",
      "3000 started, 3000 completed, 0 interrupted, 0 dropped, 0 ended in a script error",
      "3000 bắt đầu, 3000 hoàn thành, 0 bị ngắt, 0 bỏ lỡ, 0 kết thúc do lỗi kịch bản",
    ],
    ["vus", "10 busy, 12 allocated", "10 đang bận, 12 đã cấp phát"],
    ["start-lag", "p50 0.5 ms, p99 0.8 ms, max 12 ms", "p50 0,5 ms, p99 0,8 ms, tối đa 12 ms"],
    ["checks", "2750 passed, 250 failed (91.67 % passed)", "2750 đạt, 250 không đạt (91,67 % đạt)"],
    ["data", "900 kB sent, 6 MB received", "gửi 900 kB, nhận 6 MB"],
  ])("shows the load engine block, in English and Vietnamese: %s", (key, en, viText) => {
    const row = (page: string) =>
      new RegExp(`<tr data-engine="${key}"><td>[^<]*</td><td>([^<]*)</td></tr>`).exec(page)?.[1];
    expect(row(html)).toBe(en);
    expect(row(vi)).toBe(viText);
  });

  it("speaks Vietnamese with --lang vi, in HTML and Markdown", () => {
    expect(vi).toContain('<html lang="vi">');
    expect(vi).toContain("Hồ sơ đã xác nhận nhưng tra cứu không thấy");
    expect(vi).toContain("KHÔNG ĐẠT");
    expect(vi).toContain("VU đang bận và đã cấp phát");
    expect(vi).toContain("<h3>Bộ tạo tải</h3>");
    expect(renderMarkdown(v, "vi")).toContain("## Tiêu chí");
    expect(renderMarkdown(v)).toContain("## Criteria");
  });

  it("puts the load engine block in the Markdown report too", () => {
    const md = renderMarkdown(v);
    expect(md).toContain("### Load engine");
    expect(md).toContain("- status: completed\n");
    expect(md).toContain("- worker start behind t0: worker 0: 0.4 ms, worker 1: 1.3 ms");
    expect(md).toContain("- VUs (peak): 10 busy, 12 allocated");
    expect(md).toContain("- checks: 2750 passed, 250 failed (91.67 % passed)");
    expect(renderMarkdown(v, "vi")).toContain("### Bộ tạo tải");
    const aborted = sampleRun({ engineStatus: "error", engine: { reason: ["worker 1 crashed"] } }).verdict;
    expect(renderMarkdown(aborted)).toContain("- status: ended in an error (error)\n");
    expect(renderMarkdown(aborted)).toContain("- worker 1 crashed");
  });

  it("shows each criterion not judged as neither pass nor fail, with its reason, in HTML and Markdown", () => {
    const stuck = v.criteria.find((c) => c.id === "dossiers-stuck");
    expect(stuck?.status).toBe("not-judged");
    const row =
      /<tr class="criterion [^"]*" data-criterion="dossiers-stuck"[^>]*>[\s\S]*?<\/tr>/.exec(html)?.[0] ?? "";
    expect(row).toContain('class="criterion not-judged"');
    expect(row).toContain('<td class="res">not judged</td>');
    expect(row).toContain(`<div class="note">${stuck?.reason}</div>`);
    expect(vi).toMatch(/data-criterion="dossiers-stuck"[^>]*><td class="res">chưa đánh giá<\/td>/);
    expect(html.match(/class="criterion not-judged"/g)).toHaveLength(
      v.criteria.filter((c) => c.status === "not-judged").length,
    );
    const md = renderMarkdown(v);
    expect(md).toContain(
      `| _not judged_ | Dossiers with no progress past the deadline | — (${stuck?.reason}) |`,
    );
    expect(renderMarkdown(v, "vi")).toContain("| _chưa đánh giá_ | Hồ sơ không tiến triển quá thời hạn |");
  });
});
