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
