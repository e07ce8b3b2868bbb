import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Stack, startStack } from "../../chaos/stack.js";
import { outDir } from "../../kernel/paths.js";
import { stopRecorded } from "../../kernel/processes.js";
import { runFiles } from "../../kernel/run-files.js";
import { RunStateRecorder } from "../../kernel/run-state.js";
import { findTool } from "../../kernel/tools.js";
import { newRunId } from "../../scripts/run/orchestrate.js";

export interface BenchStack extends AsyncDisposable {
  stack: Stack;
  recorder: RunStateRecorder;
  runDir: string;
  runId: string;
  /** Stops everything recorded (engine runs a benchmark added included), then the stack; so does `await using`. */
  stop(): Promise<void>;
}

/** The healthy mock behind toxiproxy, recorded under out/bench-<run-id>/ like a run, for benchmarks. */
export const startBenchStack = async (): Promise<BenchStack> => {
  const toxiproxy = findTool("toxiproxy");
  if (!toxiproxy) throw new Error("toxiproxy is needed: run `npx portal-harness setup`");
  const runId = `bench-${newRunId()}`;
  const runDir = join(outDir(), runId);
  mkdirSync(runFiles(runDir).logs, { recursive: true });
  const recorder = new RunStateRecorder(runDir, runId);
  const stack = await startStack({
    runId,
    runDir,
    target: { kind: "mock", variant: "healthy" },
    seed: 1,
    toxiproxyBinary: toxiproxy.path,
    recorder,
  });
  const stop = async () => {
    for (const c of [...recorder.state.children].reverse()) await stopRecorded(c);
    await stack.stop();
    recorder.end();
  };
  return { stack, recorder, runDir, runId, stop, [Symbol.asyncDispose]: stop };
};

/** Submits `count` dossiers through the portal and returns their codes (bounded: one pass, 5 s per call). */
export const seedDossiers = async (baseUrl: string, count: number): Promise<string[]> => {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${baseUrl}/api/v1/dossiers`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": `bench-lookup-${i}-${Date.now()}` },
      body: JSON.stringify({
        procedureCode: "1.001612",
        agencyCode: `000.00.${String((i % 97) + 1).padStart(2, "0")}.H${String((i % 34) + 1).padStart(2, "0")}`,
        applicant: { citizenId: `999${String(i).padStart(9, "0")}`, fullName: "Công dân Thử nghiệm" },
        attachments: [],
        fees: [],
      }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { code?: string };
    if (body.code) codes.push(body.code);
  }
  return codes;
};
