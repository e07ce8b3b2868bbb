import { inputError } from "../../kernel/errors.js";
import type { Lang } from "../../reports/writers/i18n.js";
import { parseLang } from "../commands/report.js";
import { certifyCommand, verifyCommand } from "./certify.js";
import { gateCommand } from "./gate.js";
import { inspectCommand } from "./inspect.js";
import type { WorkflowFlags } from "./run-workflow.js";

/** The command-line options the workflows add (parseArgs form); secrets have no option, by design. */
export const workflowOptions = {
  adapter: { type: "string" },
  battery: { type: "string" },
  "auth-ref": { type: "string" },
  inspector: { type: "string" },
  junit: { type: "string" },
  summary: { type: "string" },
  "sign-key": { type: "string" },
  "public-key": { type: "string" },
  verify: { type: "boolean" },
} as const;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The flags every workflow reads, from parsed options. */
export const workflowFlags = (v: Record<string, unknown>, out: string, lang: Lang): WorkflowFlags => ({
  target: str(v.target),
  variant: str(v.variant),
  adapter: str(v.adapter),
  allowHosts: (v["allow-host"] as string[] | undefined) ?? [],
  battery: str(v.battery),
  scale: str(v.scale),
  seed: str(v.seed),
  workers: str(v.workers),
  out,
  json: Boolean(v.json),
  yes: Boolean(v.yes),
  lang,
});

/** Dispatches `inspect`, `certify` (and `certify --verify`) and `gate` with their own options. */
export const workflowCommand = (
  command: "inspect" | "certify" | "gate",
  v: Record<string, unknown>,
  positionals: readonly string[],
  out: string,
  say: (line: string) => void,
): Promise<number> => {
  const flags = workflowFlags(v, out, parseLang(v.lang));
  if (command === "inspect")
    return inspectCommand({ ...flags, authRef: str(v["auth-ref"]), inspector: str(v.inspector) }, say);
  if (command === "gate") return gateCommand({ ...flags, junit: str(v.junit), summary: str(v.summary) }, say);
  if (v.verify)
    return verifyCommand(
      positionals,
      { publicKey: str(v["public-key"]), battery: str(v.battery), json: flags.json },
      say,
    );
  if (positionals.length > 0)
    throw inputError(
      `certify: unexpected argument "${positionals[0]}"`,
      "hint: certify --verify CERT RUN_DIR checks a certificate",
    );
  return certifyCommand({ ...flags, signKey: str(v["sign-key"]) }, say);
};

/** Options that mean something to some commands only: given to another, they are refused, never ignored. */
const onlyFor: Readonly<Record<string, readonly string[]>> = {
  battery: ["inspect", "certify", "gate"],
  "auth-ref": ["inspect"],
  inspector: ["inspect"],
  junit: ["gate"],
  summary: ["gate"],
  "sign-key": ["certify"],
  "public-key": ["certify"],
  verify: ["certify"],
  dialect: ["mock"],
  port: ["mock"],
  adapter: ["inspect", "certify", "gate", "run", "plan"],
};

/** Exit 2 naming the first option given to a command it does not belong to. */
export const refuseMisplacedOptions = (command: string, v: Record<string, unknown>): void => {
  for (const [option, commands] of Object.entries(onlyFor))
    if (v[option] !== undefined && !commands.includes(command))
      throw inputError(
        `${command}: --${option} is only for ${commands.join(", ")}`,
        "hint: see portal-harness --help",
      );
};
