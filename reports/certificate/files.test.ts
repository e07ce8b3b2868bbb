import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../kernel/testing/temp-dir.js";
import { certifiedFiles, certifyFiles, fileProblems, hashFile } from "./files.js";

const dir = tempDir("ph-certificate-files-");
afterAll(() => dir[Symbol.dispose]());
let n = 0;

/** A run directory holding the given files (name → content). */
const runDir = (files: Record<string, string>): string => {
  const d = join(dir.path, `run-${++n}`);
  mkdirSync(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
};

const analysed = {
  "plan.json": "{}",
  "run.json": '{"runId":"r"}',
  "results.json.gz": "results",
  "chaos-events.ndjson": "",
  "console.ndjson": "{}\n",
  "reconciliation.json": "{}",
  "verdict.json": '{"outcome":"passed"}',
  "report.html": "<html></html>",
  "state.json": "{}",
};

describe("the files a certificate vouches for", () => {
  it("lists the run's inputs then its verdict and reports, only those the run wrote", () => {
    expect(certifyFiles(runDir(analysed))).toEqual([
      "plan.json",
      "run.json",
      "results.json.gz",
      "chaos-events.ndjson",
      "console.ndjson",
      "reconciliation.json",
      "verdict.json",
      "report.html",
    ]);
  });

  it("hashes a file streamed: SHA-256 and size", async () => {
    const d = runDir({ "plan.json": "x".repeat(200_000) });
    expect(await hashFile(join(d, "plan.json"))).toEqual({
      sha256: createHash("sha256").update("x".repeat(200_000)).digest("hex"),
      bytes: 200_000,
    });
  });
});

describe("checking the listed files", () => {
  it("finds nothing wrong in an untouched run directory", async () => {
    const d = runDir(analysed);
    expect(await fileProblems(d, await certifiedFiles(d, certifyFiles(d)))).toEqual([]);
  });

  it("names each changed, missing or added file", async () => {
    const d = runDir(analysed);
    const listed = await certifiedFiles(d, certifyFiles(d));
    writeFileSync(join(d, "reconciliation.json"), "{ }");
    rmSync(join(d, "console.ndjson"));
    writeFileSync(join(d, "metrics.ndjson"), "");
    expect(await fileProblems(d, listed)).toEqual([
      expect.stringMatching(/^console\.ndjson: missing/),
      expect.stringMatching(/^reconciliation\.json: changed since the certificate was issued/),
      expect.stringMatching(/^metrics\.ndjson: present in the run directory but not covered/),
    ]);
  });

  it("a same-size change is caught by the hash", async () => {
    const d = runDir(analysed);
    const listed = await certifiedFiles(d, certifyFiles(d));
    writeFileSync(join(d, "results.json.gz"), "resulTs");
    expect(await fileProblems(d, listed)).toEqual([expect.stringMatching(/^results\.json\.gz: changed/)]);
  });

  it("refuses a listed path outside the run directory", async () => {
    const d = runDir(analysed);
    const outside = { path: "../run-1/plan.json", sha256: "0".repeat(64), bytes: 2 };
    const listed = [...(await certifiedFiles(d, certifyFiles(d))), outside];
    expect(await fileProblems(d, listed)).toEqual([
      expect.stringMatching(/^\.\.\/run-1\/plan\.json: listed outside the run directory/),
    ]);
  });
});
