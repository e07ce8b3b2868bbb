/** Exit codes shared by every command (DESIGN.md). */
export const ExitCode = {
  passed: 0,
  failed: 1,
  badInput: 2,
  environment: 3,
  inconclusive: 4,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of a verdict's outcome: `run`, `demo` and `report` exit with it. */
export const exitCodeForOutcome = (outcome: "passed" | "failed" | "inconclusive"): ExitCodeValue =>
  outcome === "passed" ? ExitCode.passed : outcome === "failed" ? ExitCode.failed : ExitCode.inconclusive;
