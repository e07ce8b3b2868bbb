import { createInterface } from "node:readline/promises";
import { inputError } from "../../kernel/errors.js";
import type { Target } from "../config/run-config.js";
import { isLoopbackTarget } from "../run/target-guard.js";

export interface ConsentInput {
  target: Target;
  /** `--yes` was given. */
  yes: boolean;
  /** stdin and stdout are a terminal, so a person can answer. */
  interactive: boolean;
}

/**
 * Whether traffic may go: the built-in mock and loopback need no consent; any other (allowlisted) target needs
 * `--yes`, or a person typing "yes" on a terminal ("ask"). Without either, bad input (exit 2). Pure.
 */
export const consentDecision = (c: ConsentInput): "go" | "ask" => {
  if (c.target.kind === "mock" || isLoopbackTarget(c.target.baseUrl) || c.yes) return "go";
  if (c.interactive) return "ask";
  throw inputError(
    `target.baseUrl: ${new URL(c.target.baseUrl).host} is not loopback: sending it traffic needs --yes or a "yes" typed on a terminal`,
    "hint: read the plan above, then rerun with --yes if it is what the target's owners agreed to",
  );
};

/** Asks on the terminal; anything but "yes" refuses (exit 2). */
export const askConsent = async (host: string): Promise<void> => {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`Send this traffic to ${host}? Type "yes" to go on: `);
    if (answer.trim().toLowerCase() !== "yes")
      throw inputError(`target.baseUrl: not confirmed (answer "${answer.trim()}"); nothing was sent`);
  } finally {
    rl.close();
  }
};

/** Shows nothing itself: decides, and asks when it has to. Resolves when traffic may go. */
export const requireConsent = async (c: ConsentInput): Promise<void> => {
  if (consentDecision(c) === "ask" && c.target.kind === "url")
    await askConsent(new URL(c.target.baseUrl).host);
};
