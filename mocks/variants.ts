/**
 * Named variants of the mock portal. `healthy` behaves well; every other variant ships one realistic defect,
 * so a run can prove the harness catches it.
 */
export const mockVariants = {
  healthy: "the reference behaviour",
  "no-idempotency":
    "the dossier service ignores Idempotency-Key, so a retried submission makes a second dossier",
} as const;

export type MockVariant = keyof typeof mockVariants;
export const mockVariantNames = Object.keys(mockVariants) as MockVariant[];
export const isMockVariant = (name: string): name is MockVariant => name in mockVariants;
