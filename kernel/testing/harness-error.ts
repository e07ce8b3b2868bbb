import { isHarnessError } from "../errors.js";

/** The lines of the exit-2 error `f` throws; anything else (or nothing thrown) fails the test. */
export const inputErrorLines = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (isHarnessError(e) && e.exitCode === 2) return [...e.lines];
    throw e;
  }
  throw new Error("expected an input error, none was thrown");
};
