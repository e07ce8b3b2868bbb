import { ExitCode, type ExitCodeValue } from "./exit-codes.js";

/** An error that a command reports as one or more plain lines and turns into an exit code. */
export class HarnessError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly lines: readonly string[];

  constructor(exitCode: ExitCodeValue, lines: readonly string[]) {
    super(lines.join("\n"));
    this.name = "HarnessError";
    this.exitCode = exitCode;
    this.lines = lines;
  }
}

/** Bad input or a refused target: exit 2. */
export const inputError = (...lines: string[]): HarnessError => new HarnessError(ExitCode.badInput, lines);

/** Missing tool, busy port, unusable machine: exit 3. */
export const environmentError = (...lines: string[]): HarnessError =>
  new HarnessError(ExitCode.environment, lines);

export const isHarnessError = (e: unknown): e is HarnessError => e instanceof HarnessError;
