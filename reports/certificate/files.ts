import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { runFiles } from "../../kernel/run-files.js";
import type { CertifiedFile } from "./schema.js";

/**
 * The run directory's files a certificate may vouch for, by path relative to the run directory: what the
 * verdict is computed from (plan, run.json, the engine's results, chaos events, console records, the target's
 * metrics, reconciliation), the scenario bundle the engine ran, then the verdict and the reports.
 */
export const certifiableFiles = (runDir: string): string[] => {
  const f = runFiles(runDir);
  const inputs = [f.plan, f.meta, f.results, f.events, f.console, f.metrics, f.reconciliation, f.script];
  const outputs = [f.verdict, f.series, f.reportMd, f.reportHtml, f.junit];
  return [...inputs, ...outputs].map((p) => relative(runDir, p).split(sep).join("/"));
};

/**
 * The files a certificate of this run lists: the certifiable ones the run wrote (a target without /metrics
 * leaves no metrics.ndjson, and it is simply not listed).
 */
export const certifyFiles = (runDir: string): string[] =>
  certifiableFiles(runDir).filter((path) => existsSync(join(runDir, path)));

/** SHA-256 (hex) and size of a file, streamed. */
export const hashFile = async (file: string): Promise<{ sha256: string; bytes: number }> => {
  const h = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest("hex"), bytes };
};

/** The listed files' hashes and sizes. */
export const certifiedFiles = async (runDir: string, paths: readonly string[]): Promise<CertifiedFile[]> => {
  const out: CertifiedFile[] = [];
  for (const path of paths) out.push({ path, ...(await hashFile(join(runDir, path))) });
  return out;
};

/** A listed path must stay inside the run directory. */
const inside = (path: string): boolean =>
  !isAbsolute(path) && !normalize(path).split(/[\\/]/).includes("..") && normalize(path) !== ".";

/**
 * Checks every listed file against its hash and size: one sentence per file that is missing, changed or not a
 * file; and one per certifiable file that exists now but was not listed.
 */
export const fileProblems = async (runDir: string, files: readonly CertifiedFile[]): Promise<string[]> => {
  const problems: string[] = [];
  for (const f of files) {
    const file = join(runDir, f.path);
    if (!inside(f.path)) problems.push(`${f.path}: listed outside the run directory`);
    else if (!existsSync(file)) problems.push(`${f.path}: missing (the certificate lists it)`);
    else if (!statSync(file).isFile()) problems.push(`${f.path}: not a file`);
    else {
      const now = await hashFile(file);
      if (now.sha256 !== f.sha256 || now.bytes !== f.bytes)
        problems.push(
          `${f.path}: changed since the certificate was issued (SHA-256 ${now.sha256}, ${now.bytes} bytes; certified ${f.sha256}, ${f.bytes} bytes)`,
        );
    }
  }
  const listed = new Set(files.map((f) => f.path));
  for (const path of certifiableFiles(runDir))
    if (!listed.has(path) && existsSync(join(runDir, path)))
      problems.push(`${path}: present in the run directory but not covered by the certificate`);
  return problems;
};
