import { join } from "node:path";
import { inputError } from "../../kernel/errors.js";
import { projectRoot } from "../../kernel/paths.js";
import { type MockVariant, mockVariantNames } from "../../mocks/variants.js";

/** The faulty variants: every mock variant but the healthy one. */
export type FaultyVariant = Exclude<MockVariant, "healthy">;

/** How the harness must catch one faulty variant: the run that reaches its defect, and who names it. */
export interface ExposingRun {
  /** The defect in a line (the full story is in mocks/variants.ts). */
  defect: string;
  /** The run config, relative to the project root (profile and fault plan are relative to it). */
  config: string;
  /**
   * Criterion ids that name the defect, the first the one that should; the variant is caught when any of them
   * fails. A criterion that is "not judged" or absent is a miss.
   */
  catchers: readonly [string, ...string[]];
  /** What the run does to reach the defect, in words (printed by `demo --variant` and in mocks/README.md). */
  exposes: string;
  /** Part of `selftest --quick`: short runs whose catchers are judged by every build of the harness. */
  quick: boolean;
}

/** The healthy mock's run in the selftest: the demo (`examples/demo.json`). */
export const healthyConfig = "examples/demo.json";

/**
 * Variant → its exposing run and the criteria that must catch it: the one mapping the selftest, `demo
 * --variant`, mocks/README.md's table and their tests read. The run configs live in `examples/variants/`.
 */
export const exposingRuns: Readonly<Record<FaultyVariant, ExposingRun>> = {
  "unbounded-queue": {
    defect: "no queue bound or deadline: latency grows for as long as overload lasts",
    config: "examples/variants/unbounded-queue.json",
    catchers: ["shedding-admitted-latency", "shedding-refusal-fast"],
    exposes:
      "a 10 s meeting storm (200 joins/s) while the meeting platform is 1.5 s slow: more requests in flight than the gateway admits",
    quick: false,
  },
  "no-failover": {
    defect: "the standby is never promoted",
    config: "examples/variants/no-failover.json",
    catchers: ["failover"],
    exposes: "the primary dossier service cut off for 25 s, longer than the 10 s failover limit",
    quick: false,
  },
  "slow-failover": {
    defect: "promotion after 20 s of failed checks",
    config: "examples/variants/slow-failover.json",
    catchers: ["failover"],
    exposes:
      "the primary dossier service cut off for 25 s, longer than the variant's 20 s promotion delay and the 10 s failover limit",
    quick: false,
  },
  "async-replication-loss": {
    defect:
      "acknowledges before replicating, ships the log every 10 s: acknowledged dossiers lost on failover",
    config: "examples/variants/async-replication-loss.json",
    catchers: ["dossiers-lost"],
    exposes:
      "the primary partitioned away (replication cut at 12 s, the gateway's link at 15 s, for 10 s): what it acknowledged but had not shipped is not on the promoted standby",
    quick: true,
  },
  "no-idempotency": {
    defect: "ignores `Idempotency-Key`: a retried submission makes a second dossier",
    config: "examples/variants/no-idempotency.json",
    catchers: ["dossiers-duplicated"],
    exposes:
      "citizens' replies held 1.5 s with a 1 s request timeout for 3 s: submissions arrive, citizens retry with the same key",
    quick: true,
  },
  "silent-sync-stall": {
    defect:
      "trusts HTTP 200 from the national portal without reading `error_code`: after the session expires (30 s) sync stops while reporting success",
    config: "examples/variants/silent-sync-stall.json",
    catchers: ["national-sync-missing", "national-sync-stale"],
    exposes:
      "50 s of submissions, longer than the national portal's 30 s session: the outbox must log in again",
    quick: false,
  },
  "payment-callback-lost": {
    defect: "the result callback is sent once, fire-and-forget",
    config: "examples/variants/payment-callback-lost.json",
    catchers: ["payments-unsettled", "payments-dossier-unpaid"],
    exposes: "the payment platform's result callback to the portal cut off for 10 s while citizens pay",
    quick: false,
  },
  "identity-cascade": {
    defect: "identity calls without timeout or bulkhead, holding the gateway's slots",
    config: "examples/variants/identity-cascade.json",
    catchers: ["identity-isolation", "identity-isolation-errors"],
    exposes:
      "identity 5 s slow for 12 s under a sign-in-heavy load: steps that do not need identity must not slow down or be shed",
    quick: false,
  },
};

export const faultyVariants = mockVariantNames.filter((v): v is FaultyVariant => v !== "healthy");

export const isFaultyVariant = (name: string): name is FaultyVariant => name in exposingRuns;

/** The exposing run of a faulty variant by name; an unknown name or `healthy` is bad input (exit 2). */
export const exposingRun = (variant: string): ExposingRun => {
  if (!isFaultyVariant(variant))
    throw inputError(
      `--variant: "${variant}" is not a faulty mock variant (known: ${faultyVariants.join(", ")})`,
    );
  return exposingRuns[variant];
};

/** A config path of this mapping as a file on this machine. */
export const configPath = (config: string): string => join(projectRoot(), config);

/** Every criterion id some variant must be caught by, in the mapping's order, each once. */
export const catchingCriteria = (): string[] => [
  ...new Set(faultyVariants.flatMap((v) => exposingRuns[v].catchers)),
];

/** The table in mocks/README.md: variant, defect, the criteria that must catch it, the exposing run. */
export const variantTable = (): string =>
  [
    "| variant | defect | caught by | exposing run |",
    "|---|---|---|---|",
    ...faultyVariants.map((v) => {
      const r = exposingRuns[v];
      const by = r.catchers.map((c) => `\`${c}\``).join(" or ");
      return `| \`${v}\` | ${r.defect} | ${by} | [\`${r.config}\`](../${r.config}): ${r.exposes} |`;
    }),
  ].join("\n");
