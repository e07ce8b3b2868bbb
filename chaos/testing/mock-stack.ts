import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFiles } from "../../kernel/run-files.js";
import { RunStateRecorder } from "../../kernel/run-state.js";
import { requireTool } from "../../kernel/testing/tools.js";
import { type Stack, type StackOptions, startStack } from "../stack.js";

/**
 * The real mock for integration tests: every part its own process behind its own toxiproxy link, started
 * by the same code a run uses (needs `node scripts/build.mjs` and toxiproxy). `close()` (or leaving an
 * `await using` scope) stops everything and marks the run ended.
 */
export interface TestStack extends Stack {
  runDir: string;
  close(): Promise<void>;
}

export const startTestStack = async (
  variant = "healthy",
  mock: StackOptions["mock"] = {},
  seed = 11,
): Promise<TestStack> => {
  const toxiproxy = requireTool("toxiproxy");
  const runDir = mkdtempSync(join(tmpdir(), "ph-mock-"));
  mkdirSync(runFiles(runDir).logs, { recursive: true });
  const runId = `t${Date.now().toString(36)}`;
  const recorder = new RunStateRecorder(runDir, runId);
  const stack = await startStack({
    runId,
    runDir,
    target: { kind: "mock", variant },
    seed,
    toxiproxyBinary: toxiproxy.path,
    recorder,
    mock,
  });
  const close = async () => {
    await stack.stop();
    recorder.end();
  };
  return { ...stack, runDir, close, [Symbol.asyncDispose]: close };
};

/** Reads one series from a part's /metrics (exact name and labels), or NaN. */
export const scrapeMetric = async (baseUrl: string, series: string): Promise<number> => {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return Number.NaN;
};
