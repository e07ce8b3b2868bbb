import { z } from "zod";
import { parseDuration } from "./duration.js";

/**
 * The k6 options this engine supports, with k6's names and defaults. The schema is strict: an option it does
 * not know, or a known k6 option it does not implement, is refused by name instead of being ignored.
 */
export const Duration = z
  .union([z.string(), z.number()])
  .refine((v) => parseDuration(v) !== null, { message: 'not a duration like "30s", "1m30s" or "500ms"' });

const TagMap = z.record(z.string(), z.string());
const Stage = z.strictObject({ duration: Duration, target: z.number().int().nonnegative() });
const ScenarioName = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, {
  message: "a scenario name uses letters, digits, '_' and '-'",
});

const common = {
  startTime: Duration.optional(),
  gracefulStop: Duration.optional(),
  exec: z
    .string()
    .regex(/^[A-Za-z_$][\w$]*$/, { message: "not a function name" })
    .optional(),
  env: z.record(z.string(), z.string()).optional(),
  tags: TagMap.optional(),
};

export const ConstantArrivalRate = z.strictObject({
  executor: z.literal("constant-arrival-rate"),
  ...common,
  rate: z.number().int().nonnegative(),
  timeUnit: Duration.optional(),
  duration: Duration,
  preAllocatedVUs: z.number().int().nonnegative(),
  maxVUs: z.number().int().nonnegative().optional(),
});

export const RampingArrivalRate = z.strictObject({
  executor: z.literal("ramping-arrival-rate"),
  ...common,
  startRate: z.number().int().nonnegative().optional(),
  timeUnit: Duration.optional(),
  stages: z.array(Stage).min(1),
  preAllocatedVUs: z.number().int().nonnegative(),
  maxVUs: z.number().int().nonnegative().optional(),
});

export const ConstantVus = z.strictObject({
  executor: z.literal("constant-vus"),
  ...common,
  vus: z.number().int().nonnegative().optional(),
  duration: Duration,
});

export const RampingVus = z.strictObject({
  executor: z.literal("ramping-vus"),
  ...common,
  startVUs: z.number().int().nonnegative().optional(),
  stages: z.array(Stage).min(1),
  gracefulRampDown: Duration.optional(),
});

export const PerVuIterations = z.strictObject({
  executor: z.literal("per-vu-iterations"),
  ...common,
  vus: z.number().int().nonnegative().optional(),
  iterations: z.number().int().nonnegative().optional(),
  maxDuration: Duration.optional(),
});

export const SharedIterations = z.strictObject({
  executor: z.literal("shared-iterations"),
  ...common,
  vus: z.number().int().nonnegative().optional(),
  iterations: z.number().int().nonnegative().optional(),
  maxDuration: Duration.optional(),
});

export const executorNames = [
  "constant-arrival-rate",
  "ramping-arrival-rate",
  "constant-vus",
  "ramping-vus",
  "per-vu-iterations",
  "shared-iterations",
] as const;

export const Scenario = z.discriminatedUnion(
  "executor",
  [ConstantArrivalRate, RampingArrivalRate, ConstantVus, RampingVus, PerVuIterations, SharedIterations],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? `executor must be one of ${executorNames.join(", ")} (externally-controlled was removed in k6 v2)`
        : undefined,
  },
);
export type Scenario = z.infer<typeof Scenario>;

const ThresholdEntry = z.union([
  z.string(),
  z.strictObject({
    threshold: z.string(),
    abortOnFail: z.boolean().optional(),
    delayAbortEval: Duration.optional(),
  }),
]);

export const Options = z.strictObject({
  scenarios: z.record(ScenarioName, Scenario).optional(),
  thresholds: z.record(z.string(), z.array(ThresholdEntry)).optional(),
  summaryTrendStats: z.array(z.string()).optional(),
  setupTimeout: Duration.optional(),
  teardownTimeout: Duration.optional(),
  noConnectionReuse: z.boolean().optional(),
  noVUConnectionReuse: z.boolean().optional(),
  tags: TagMap.optional(),
  vus: z.number().int().nonnegative().optional(),
  duration: Duration.optional(),
  iterations: z.number().int().nonnegative().optional(),
  stages: z.array(Stage).optional(),
  executionSegment: z.string().optional(),
  executionSegmentSequence: z.string().optional(),
  /** This engine's own: how long a VU keeps an idle connection open (default 2s). */
  idleTimeout: Duration.optional(),
  discardResponseBodies: z.boolean().optional(),
  maxRedirects: z.number().int().nonnegative().optional(),
  userAgent: z.string().optional(),
});
export type Options = z.infer<typeof Options>;

/** k6 options this engine knows but does not implement, with what to do instead. */
export const unsupportedOptions: Readonly<Record<string, string>> = {
  hosts: "point the script at the address itself",
  blockHostnames: "the engine's allowlist (--allow-host) already refuses every host not listed",
  blacklistIPs: "the engine's allowlist (--allow-host) already refuses every address not listed",
  insecureSkipTLSVerify: "give the target a certificate the machine trusts",
  batch: "http.batch is not supported",
  batchPerHost: "http.batch is not supported",
  rps: "use an arrival-rate executor",
  minIterationDuration: "wait at the end of the iteration with setTimeout",
  throw: "check error and error_code on the response",
  ext: "cloud options are not supported",
  cloud: "cloud options are not supported",
  linger: "not supported",
  paused: "not supported: the harness releases the schedule itself",
  noCookiesReset: "cookies are not supported",
  tlsAuth: "client certificates are not supported",
  tlsCipherSuites: "not supported",
  tlsVersion: "not supported",
  systemTags: "the default system tags are always written",
  summaryTimeUnit: "not supported",
  dns: "names are resolved by the allowlist's resolver",
  localIPs: "not supported",
  httpDebug: "not supported",
  handleSummaryTimeout: "handleSummary is not supported",
};
