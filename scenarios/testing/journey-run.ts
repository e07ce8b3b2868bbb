import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runScript } from "../../engine/testing/engine-run.js";
import { projectRoot } from "../../kernel/paths.js";
import type { K6Plan } from "../lib/plan.js";

/**
 * Runs journeys on the real engine (dist/engine.js, as a run does) with a tiny entry script: one scenario
 * (`shared-iterations`, or `per-vu-iterations` with `perVu`) whose iterations run `body`, the plan in
 * `PH_PLAN` as the harness passes it. Inside `body`: `plan`, `i` (the iteration in the test), `exec`,
 * `wait(ms)` and the named journey functions.
 */
export interface JourneyRunSpec {
  plan: K6Plan;
  /** Journey module (under scenarios/journeys) → the functions to import from it. */
  imports: Partial<Record<"citizen" | "officer" | "province" | "platforms", string[]>>;
  body: string;
  /** Iterations in all, or per VU with `perVu`. */
  iterations: number;
  vus?: number;
  perVu?: boolean;
}

export const scenariosDir = join(projectRoot(), "scenarios");

export const entryScript = (spec: JourneyRunSpec): string => {
  const imports = Object.entries(spec.imports).map(
    ([m, names]) =>
      `import { ${names.join(", ")} } from ${JSON.stringify(join(scenariosDir, "journeys", `${m}.ts`))};`,
  );
  return [
    'import exec from "k6/execution";',
    'import { setTimeout } from "k6/timers";',
    ...imports,
    "const plan = JSON.parse(__ENV.PH_PLAN);",
    "const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));",
    `export const options = { scenarios: { journey: { executor: "${spec.perVu ? "per-vu-iterations" : "shared-iterations"}", vus: ${spec.vus ?? 1}, iterations: ${spec.iterations}, maxDuration: "60s" } } };`,
    "export default async function () {",
    "  const i = exec.scenario.iterationInTest;",
    `  ${spec.body}`,
    "}",
    "",
  ].join("\n");
};

export interface JourneyResult {
  status: string | undefined;
  iterations: { completed: number; errors: number } | undefined;
  /** `Point` samples of the results file. */
  points: Array<{ metric: string; time: string; value: number; tags: Record<string, string> }>;
  /** The JSON records the VUs logged (`{"ph":…}` console lines). */
  records: Array<Record<string, unknown> & { ph: string; kind: string }>;
  /** Every console line, for failure messages. */
  console: string[];
  /** The end-of-test summary (k6's summary-export shape), when the run wrote one. */
  summary: {
    metrics: Record<string, { count?: number; thresholds?: Record<string, boolean> } | undefined>;
  } | null;
  log: string;
}

const lines = (file: string): string[] => {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

export const runJourney = async (spec: JourneyRunSpec): Promise<JourneyResult> => {
  const run = await runScript(entryScript(spec), {
    env: { PH_PLAN: JSON.stringify(spec.plan) },
    warmUp: false,
  });
  return readRun(run);
};

/** Reads what an engine run wrote (results, console records, summary, status), then removes its folder. */
export const readRun = (run: Awaited<ReturnType<typeof runScript>>): JourneyResult => {
  const points = lines(run.files.results)
    .map(
      (l) =>
        JSON.parse(l) as {
          type: string;
          metric: string;
          data: { time: string; value: number; tags: Record<string, string> };
        },
    )
    .filter((l) => l.type === "Point")
    .map((l) => ({ metric: l.metric, time: l.data.time, value: l.data.value, tags: l.data.tags }));
  const consoleLines = lines(run.files.console).map((l) => (JSON.parse(l) as { msg: string }).msg);
  const records = consoleLines
    .filter((m) => m.startsWith('{"ph":'))
    .map((m) => JSON.parse(m) as Record<string, unknown> & { ph: string; kind: string });
  let log = "";
  try {
    log = readFileSync(run.files.log, "utf8");
  } catch {}
  let summary: JourneyResult["summary"] = null;
  try {
    summary = JSON.parse(readFileSync(run.files.summary, "utf8")) as JourneyResult["summary"];
  } catch {}
  rmSync(run.dir, { recursive: true, force: true });
  return {
    status: run.result?.status,
    iterations: run.result?.iterations,
    points,
    records,
    console: consoleLines,
    summary,
    log,
  };
};

/** The samples of one metric. */
export const samples = (r: JourneyResult, metric: string) => r.points.filter((p) => p.metric === metric);

/** Passes and fails of each check by name. */
export const checks = (r: JourneyResult): Record<string, { passes: number; fails: number }> => {
  const out: Record<string, { passes: number; fails: number }> = {};
  for (const p of samples(r, "checks")) {
    const name = p.tags.check ?? "";
    const c = out[name] ?? { passes: 0, fails: 0 };
    if (p.value > 0) c.passes++;
    else c.fails++;
    out[name] = c;
  }
  return out;
};

/** A one-line account of a run for assertion messages. */
export const explain = (r: JourneyResult): string =>
  `status ${r.status}, iterations ${JSON.stringify(r.iterations)}\n${r.console.slice(-10).join("\n")}\n${r.log.slice(-2000)}`;
