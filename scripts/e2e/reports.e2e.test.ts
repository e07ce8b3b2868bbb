import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { chromium } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { runFiles } from "../../kernel/run-files.js";
import { tempDir } from "../../kernel/testing/temp-dir.js";
import { requireTool } from "../../kernel/testing/tools.js";
import { SeriesFile } from "../../reports/run-dir/series-file.js";
import { Verdict } from "../../reports/verdict/schema.js";
import { buildCli, cli, type FinishedRun, root, runOnce } from "../testing/run-cli.js";

/** One real healthy demo run (about a minute), shared by every test in this file. */
let run: FinishedRun;

beforeAll(() => {
  requireTool("toxiproxy");
  buildCli();
  run = runOnce(["demo"]);
}, 300_000);

const readVerdict = (dir: string) => Verdict.parse(JSON.parse(readFileSync(runFiles(dir).verdict, "utf8")));

describe("a healthy run", () => {
  it("passes and reconciles with nothing lost, duplicated or moved illegally", () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const d = run.verdict.dossiers;
    expect(d.acknowledged).toBeGreaterThan(50);
    expect(d).toMatchObject({
      found: d.acknowledged,
      lost: 0,
      duplicated: 0,
      illegalTransitions: 0,
      lookupErrors: 0,
    });
    expect(run.verdict.outcome).toBe("passed");
    expect(run.verdict.queue.peakDepth.value).not.toBeNull(); // the mock exposes /metrics
  });

  it("says what the load engine did: its status, workers, VUs, start lag, checks and bytes, also per window", () => {
    const l = run.verdict.load;
    expect(l.engineStatus).toBe("completed");
    expect(l.engine.workerStartOffsetsMs).toHaveLength(l.engine.workers);
    expect(l.engine.iterations.dropped).toBe(l.droppedIterations);
    expect(l.vusMaxPeak).toBeGreaterThan(0);
    expect(l.vusBusyPeak).toBeLessThanOrEqual(l.vusMaxPeak ?? 0);
    expect(l.startLagP99Ms).not.toBeNull();
    expect(l.checks.passes).toBeGreaterThan(0);
    expect(l.bytesSent).toBeGreaterThan(0);
    expect(l.bytesReceived).toBeGreaterThan(0);
    const series = SeriesFile.parse(JSON.parse(readFileSync(runFiles(run.runDir).series, "utf8")));
    const windowed = series.load.reduce((n, p) => n + p[6], 0);
    expect(windowed).toBeGreaterThan(0);
    expect(windowed).toBeLessThanOrEqual(l.checks.passes); // checks in setup() come before t0
    expect(series.load.some((p) => p[2] !== null)).toBe(true);
  });

  it("writes JUnit XML with one test case per criterion and as many failures as failed criteria", () => {
    const xml = readFileSync(runFiles(run.runDir).junit, "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === "testcase" }).parse(xml) as {
      testsuites: { "@_failures": string; testsuite: { testcase: Array<{ failure?: unknown }> } };
    };
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases).toHaveLength(run.verdict.criteria.length);
    const failed = run.verdict.criteria.filter((c) => c.status === "failed").length;
    expect(cases.filter((c) => c.failure !== undefined)).toHaveLength(failed);
    expect(Number(doc.testsuites["@_failures"])).toBe(failed);
  });

  it("report.html opens in headless Chromium: no console error, no request leaves the page, charts with fault windows, one row per criterion", async () => {
    using userDataDir = tempDir("ph-chromium-");
    const context = await chromium.launchPersistentContext(userDataDir.path, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1000, height: 1400 },
    });
    await using _browser = { [Symbol.asyncDispose]: () => context.close() };
    const leaving: string[] = [];
    const errors: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      leaving.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on("request", (r) => {
      const url = r.url();
      if (!url.startsWith("file:") && !url.startsWith("data:")) leaving.push(url);
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`file://${runFiles(run.runDir).reportHtml}`, { waitUntil: "load", timeout: 30_000 });

    const charts = await page.locator("svg.chart").count();
    expect(charts).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < charts; i++) {
      const chart = page.locator("svg.chart").nth(i);
      expect(await chart.locator("path.series").count()).toBeGreaterThan(0);
      expect(await chart.locator("rect.fault-window").count()).toBe(run.verdict.faults.length);
      const box = await chart.locator("rect.fault-window").first().boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(5); // drawn, not collapsed
    }
    expect(await page.locator("#criteria tbody tr").count()).toBe(run.verdict.criteria.length);
    expect(await page.locator("#funnel tr").count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator("#engine tr").count()).toBe(8);
    expect(await page.locator("svg#chart-vus").count()).toBe(1);
    mkdirSync(join(root, "out", "test-artifacts"), { recursive: true });
    await page.screenshot({
      path: join(root, "out", "test-artifacts", "report-healthy.png"),
      fullPage: true,
    });
    expect(errors).toEqual([]);
    expect(leaving).toEqual([]);
  }, 120_000);
});

describe("report and compare", () => {
  it("report rebuilds the same verdict and every report from the saved run, in Vietnamese on request", () => {
    const files = runFiles(run.runDir);
    const before = readFileSync(files.verdict, "utf8");
    for (const f of [files.verdict, files.reportHtml, files.reportMd, files.junit]) rmSync(f);
    const res = cli(["report", run.runDir, "--lang", "vi"]);
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(files.verdict, "utf8")).toBe(before);
    expect(readFileSync(files.reportHtml, "utf8")).toContain('<html lang="vi">');
    expect(readFileSync(files.reportMd, "utf8")).toContain("## Tiêu chí");
  });

  it("report on something that is not a run exits 2 and names the missing file, without a stack trace", () => {
    const notRun = mkdtempSync(join(tmpdir(), "ph-not-a-run-"));
    const res = cli(["report", notRun]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("run.json is missing");
    expect(res.stderr).not.toMatch(/\n\s+at /);
    const bad = cli(["report", run.runDir, "--lang", "fr"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--lang");
  });

  it("compare: a run against itself exits 0; against a slower, lossy copy exits 1 and names the regressions", () => {
    expect(cli(["compare", run.runDir, run.runDir]).code).toBe(0);
    const worse = readVerdict(run.runDir);
    worse.runId = `${worse.runId}-worse`;
    worse.dossiers.lost = 3;
    for (const s of worse.steps) s.p95Ms = (s.p95Ms ?? 0) * 3 + 50;
    const dir = mkdtempSync(join(tmpdir(), "ph-worse-"));
    writeFileSync(runFiles(dir).verdict, JSON.stringify(worse));
    const res = cli(["compare", run.runDir, dir]);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain("REGRESSION");
    expect(res.stdout).toMatch(/lost: 0 → 3/);
    const json = cli(["compare", run.runDir, dir, "--json", "--latency-tolerance", "1000000"]);
    const parsed = JSON.parse(json.stdout) as { regressions: Array<{ item: string }> };
    expect(parsed.regressions.map((r) => r.item)).toEqual(["lost"]);
  });
});
