import { z } from "zod";

/**
 * How a run is analysed (windows, tolerances, baseline) and judged (criteria limits): part of a run config,
 * read by the analysis from the run's plan.json.
 */
export const Analysis = z
  .object({
    windowMs: z.number().int().min(100).max(60_000).default(1000),
    /** Consecutive in-tolerance windows that count as recovered. */
    recoverWindows: z.number().int().min(1).max(600).default(5),
    /** Error rate tolerance above baseline, in percentage points. */
    errorRateTolerancePp: z.number().min(0).max(100).default(1),
    /** p95 tolerance: at most this factor of the baseline p95 ... */
    p95Factor: z.number().min(1).max(100).default(1.5),
    /** ... or baseline p95 plus this slack, whichever is larger (a 2 ms baseline would make 1.5× pure noise). */
    p95SlackMs: z.number().min(0).max(60_000).default(25),
    /** Minimum steady-state baseline before the first fault. */
    baselineMinS: z.number().min(0).max(3600).default(10),
  })
  .strict();

export const Criteria = z
  .object({
    steadyErrorRateMax: z.number().min(0).max(1).default(0.01),
    steadyP95MaxMs: z.number().positive().default(500),
    recoverWithinS: z.number().positive().default(10),
    maxStartSkewMs: z.number().min(0).default(250),
    /**
     * Dropped iterations beyond this share of the planned ones: a finding about the target (load-held fails)
     * when every VU was busy waiting on it, otherwise the run is inconclusive.
     */
    maxDroppedIterationsShare: z.number().min(0).max(1).default(0.001),
    /**
     * Iterations started later than this (p99 of the start lag) mean the load generator did not keep up, and
     * the run is inconclusive.
     */
    maxStartLagP99Ms: z.number().positive().default(1000),
    /** From primary loss to the first successful write on the standby (judged when the target has metrics). */
    failoverWithinS: z.number().positive().default(10),
    /** The gateway's queue must drain within this after its peak (judged when the target has metrics). */
    queueDrainWithinS: z.number().positive().default(10),
    /** The national-sync backlog must drain within this after its peak (judged when the target has metrics). */
    syncDrainWithinS: z.number().positive().default(30),
    /**
     * Every acknowledged dossier must be at the national portal in its latest status within this after the last
     * fault ends (or after it was acknowledged, if later); reconciliation waits for it that long at most.
     */
    nationalSyncWithinS: z.number().positive().max(600).default(30),
    /** Every payment the portal confirmed must be final, and a paid one shown on its dossier, within this. */
    paymentSettleWithinS: z.number().positive().max(600).default(30),
    /** Under overload, the p95 of refused requests (503/429) must be at most this: refusing must be fast. */
    sheddingRefusalP95MaxMs: z.number().positive().default(250),
    /** A non-final dossier without a status change for this long is stuck (judged once any dossier progresses). */
    stuckAfterS: z.number().positive().default(60),
    /** Share of the run's error budget (SLO error rate × requests) it may burn in all; unset: reported only. */
    maxErrorBudgetBurned: z.number().positive().optional(),
  })
  .strict();
