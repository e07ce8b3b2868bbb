import { z } from "zod";

/**
 * The ceilings of every run, `run` and `exec` alike: no profile, flag, config or script can go above them.
 * A config may lower a cap, never raise it past its ceiling (the schema refuses). Rate, VUs and duration are
 * checked on the plan before any traffic (exit 2); bytes and the error rate are watched while it runs, and
 * the engine stops the test (`aborted-by-cap`) saying which cap it hit.
 */
export const hardCaps = {
  /** Arrival-rate iteration starts per second, summed over scenarios (5,000 requests/s is July 1's peak). */
  maxRatePerS: 50_000,
  maxVUs: 100_000,
  /** The whole schedule, graceful stops included. */
  maxDurationS: 86_400,
  /** Bytes sent + received (data_sent + data_received). */
  maxBytes: 100_000_000_000,
} as const;

export const Caps = z.strictObject({
  maxRatePerS: z.number().positive().max(hardCaps.maxRatePerS).default(hardCaps.maxRatePerS),
  maxVUs: z.number().int().positive().max(hardCaps.maxVUs).default(hardCaps.maxVUs),
  maxDurationS: z.number().positive().max(hardCaps.maxDurationS).default(hardCaps.maxDurationS),
  /** Checked once a second against the iterations' data_sent + data_received. */
  maxBytes: z.number().int().positive().max(hardCaps.maxBytes).default(hardCaps.maxBytes),
  /** Stop when this share of requests failed (after the grace and `errorRateMinRequests`); null: no stop. */
  maxErrorRate: z.number().min(0).max(1).nullable().default(null),
  errorRateGraceS: z.number().min(0).max(3600).default(10),
  errorRateMinRequests: z.number().int().min(1).default(100),
});
export type Caps = z.infer<typeof Caps>;

/**
 * What the harness tells the engine process (a JSON file named on its command line): the script, its
 * environment, the command line's option overrides, where to write, how many worker threads, which hosts
 * beyond loopback may be reached, and whether to wait for the harness's t0.
 */
export const EngineConfig = z.strictObject({
  script: z.string(),
  env: z.record(z.string(), z.string()).default({}),
  overrides: z
    .strictObject({
      vus: z.number().int().nonnegative().optional(),
      duration: z.string().optional(),
      iterations: z.number().int().nonnegative().optional(),
      executionSegment: z.string().optional(),
      executionSegmentSequence: z.string().optional(),
    })
    .default({}),
  workers: z.number().int().min(1).max(64).default(1),
  allowHosts: z.array(z.string()).default([]),
  out: z
    .strictObject({
      /** k6 JSON lines; gzipped when the name ends in .gz. */
      results: z.string().optional(),
      /** console.* lines as JSON log lines; printed to stderr when absent. */
      console: z.string().optional(),
      summaryExport: z.string().optional(),
      /** The ES module bundle the engine ran (a valid k6 script). */
      bundle: z.string().optional(),
    })
    .default({}),
  /** "harness": wait for the harness to send t0; "now": release the schedule as soon as setup is done. */
  start: z.enum(["harness", "now"]).default("now"),
  /** Progress: "ipc" messages to the harness, "stderr" lines, or nothing. */
  progress: z.enum(["ipc", "stderr", "none"]).default("stderr"),
  /** Warm the request path up against the engine's own loopback server before t0 (no target traffic). */
  warmUp: z.boolean().default(true),
  /** Print the end-of-test summary on stdout. */
  printSummary: z.boolean().default(true),
  /** Hard limits no script, option or flag can exceed (`Caps`). */
  caps: Caps.default(Caps.parse({})),
});
export type EngineConfig = z.infer<typeof EngineConfig>;
export type EngineConfigInput = z.input<typeof EngineConfig>;

export const engineStatuses = [
  "completed",
  "thresholds-failed",
  "aborted-by-threshold",
  "aborted-by-script",
  "aborted-by-cap",
  "error",
  "interrupted",
] as const;
export type EngineStatus = (typeof engineStatuses)[number];

export const EngineResult = z.object({
  status: z.enum(engineStatuses),
  exitCode: z.number().int(),
  /** Why the run ended other than completed, in a line or a few. */
  reason: z.array(z.string()),
  t0EpochMs: z.number().nullable(),
  /** When the schedule was released (ISO). */
  loadStartedAt: z.string().nullable(),
  workers: z.number().int(),
  /** Each worker's start behind t0 (ms). */
  workerStartOffsetsMs: z.array(z.number().nullable()),
  thresholds: z.array(
    z.object({
      metric: z.string(),
      threshold: z.string(),
      passed: z.boolean(),
      observed: z.number(),
      abortOnFail: z.boolean(),
    }),
  ),
  iterations: z.object({
    started: z.number().int(),
    completed: z.number().int(),
    interrupted: z.number().int(),
    dropped: z.number().int(),
    planned: z.number().int().nullable(),
    /** Iterations that ended in an exception of the script. */
    errors: z.number().int(),
  }),
  vusMax: z.number().int(),
  requests: z.number().int(),
  failedRequests: z.number().int(),
  durationMs: z.number(),
  bundleSha256: z.string().nullable(),
  results: z.object({ file: z.string().nullable(), lines: z.number().int(), bytes: z.number().int() }),
});
export type EngineResult = z.infer<typeof EngineResult>;

/** One progress line's figures. */
export interface Progress {
  elapsedS: number;
  plannedS: number;
  /** Iterations started per second over the last second, and what the schedule wanted then. */
  rate: number;
  plannedRate: number | null;
  vusBusy: number;
  vusAllocated: number;
  dropped: number;
  errors: number;
  p95Ms: number | null;
  requests: number;
}

export type FromEngine =
  | { type: "ready"; plannedDurationMs: number; maxDurationMs: number; bundleSha256: string }
  | { type: "progress"; progress: Progress }
  | { type: "result"; result: EngineResult }
  | { type: "failed"; exitCode: number; lines: string[] };

/**
 * t0 as epoch ms, and as the machine's monotonic clock (process.hrtime, the same in every process): with the
 * latter the engine and the fault timeline agree to the microsecond, not to Date.now()'s millisecond.
 */
export type ToEngine = { type: "start"; t0EpochMs: number; t0MonoMs?: number } | { type: "stop" };

/** A progress line: elapsed / planned, achieved / planned rate, VUs busy / allocated, dropped, errors, p95. */
export const progressLine = (p: Progress): string =>
  [
    `${p.elapsedS.toFixed(0).padStart(4)}s/${p.plannedS.toFixed(0)}s`,
    `${p.rate.toFixed(0)}${p.plannedRate === null ? "" : `/${p.plannedRate.toFixed(0)}`} it/s`,
    `VUs ${p.vusBusy}/${p.vusAllocated}`,
    `dropped ${p.dropped}`,
    `errors ${p.errors}`,
    `p95 ${p.p95Ms === null ? "—" : `${p.p95Ms.toFixed(1)}ms`}`,
  ].join("  ");
