/**
 * Named variants of the mock portal. `healthy` behaves well; every other variant ships one realistic defect,
 * so a run can prove the harness catches it.
 */
export const mockVariants = {
  healthy: "the reference behaviour",
  "unbounded-queue":
    "the gateway queues every request it cannot serve yet, without a bound or deadline, so latency grows for as long as overload lasts",
  "no-failover": "the gateway never promotes the standby: while the primary is cut off, dossier writes fail",
  "slow-failover": "failover is health-checked but waits 20 s of failed checks before promoting the standby",
  "async-replication-loss":
    "the primary acknowledges before replicating and ships its log every 10 s, so dossiers acknowledged just before a failover are lost",
  "no-idempotency":
    "the dossier service ignores Idempotency-Key, so a retried submission makes a second dossier",
  "silent-sync-stall":
    "the outbox treats any HTTP 200 from the national portal as delivered without reading error_code; once the session expires, sync stops while reporting success",
  "payment-callback-lost":
    "the payment platform sends each result callback once, fire-and-forget; a callback that fails is never retried",
  "identity-cascade":
    "identity calls have no timeout and no bulkhead and share the gateway's admission slots, so a slow identity service slows everything",
} as const;

export type MockVariant = keyof typeof mockVariants;
export const mockVariantNames = Object.keys(mockVariants) as MockVariant[];
export const isMockVariant = (name: string): name is MockVariant => name in mockVariants;

/** What each part does differently in a variant. Everything here is a realistic setting, not a special case. */
export interface VariantBehaviour {
  /** Gateway: bounded admission queue with a wait deadline, or an unbounded FIFO. */
  boundedQueue: boolean;
  /** Gateway: promote the standby after this long of failed primary health checks; null = never. */
  failoverAfterMs: number | null;
  /** Primary: acknowledge after the standby applied the change (sync) or before (async). */
  replication: "sync" | "async";
  /** Primary, async mode: how often the replication log is shipped. */
  replicationIntervalMs: number;
  /** Dossier service: the same Idempotency-Key returns the same dossier. */
  honourIdempotency: boolean;
  /** Outbox: read the national portal's error_code (re-login on "99") rather than trusting HTTP 200. */
  syncChecksErrorCode: boolean;
  /** Payment platform: retry a failed result callback with backoff. */
  paymentCallbackRetries: boolean;
  /** Gateway: identity calls get a timeout and their own bulkhead. */
  identityBulkhead: boolean;
}

const healthy: VariantBehaviour = {
  boundedQueue: true,
  failoverAfterMs: 2000,
  replication: "sync",
  replicationIntervalMs: 0,
  honourIdempotency: true,
  syncChecksErrorCode: true,
  paymentCallbackRetries: true,
  identityBulkhead: true,
};

const overrides: Record<MockVariant, Partial<VariantBehaviour>> = {
  healthy: {},
  "unbounded-queue": { boundedQueue: false },
  "no-failover": { failoverAfterMs: null },
  "slow-failover": { failoverAfterMs: 20_000 },
  "async-replication-loss": { replication: "async", replicationIntervalMs: 10_000 },
  "no-idempotency": { honourIdempotency: false },
  "silent-sync-stall": { syncChecksErrorCode: false },
  "payment-callback-lost": { paymentCallbackRetries: false },
  "identity-cascade": { identityBulkhead: false },
};

export const variantBehaviour = (variant: string): VariantBehaviour => {
  if (!isMockVariant(variant))
    throw new Error(`unknown mock variant "${variant}" (known: ${mockVariantNames.join(", ")})`);
  return { ...healthy, ...overrides[variant] };
};
