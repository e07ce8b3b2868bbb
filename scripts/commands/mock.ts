import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import type { FastifyInstance } from "fastify";
import { cleanLeftovers } from "../../chaos/leftovers.js";
import { type Stack, startStack } from "../../chaos/stack.js";
import { environmentError, inputError } from "../../kernel/errors.js";
import { ExitCode, type ExitCodeValue } from "../../kernel/exit-codes.js";
import { isPortFree } from "../../kernel/ports.js";
import { runFiles } from "../../kernel/run-files.js";
import { findLeftovers, RunStateRecorder } from "../../kernel/run-state.js";
import { findTool } from "../../kernel/tools.js";
import { buildVendorAApp } from "../../mocks/dialects/vendor-a/app.js";
import { vendorBase } from "../../mocks/dialects/vendor-a/routes.js";
import { isMockVariant, mockVariantNames } from "../../mocks/variants.js";
import { newRunId } from "../run/orchestrate.js";

/** What `mock` can serve: the portal contract itself, or a vendor's dialect in front of it. */
export const mockDialects = ["contract", "vendor-a"] as const;
export type MockDialect = (typeof mockDialects)[number];

export const defaultMockPort = 8480;
/** The vendor-a client secret comes from here only, never from the command line. */
export const vendorASecretEnv = "PH_VENDOR_A_CLIENT_SECRET";
/** The client id the vendor-a dialect registers (the adapter file signs in with it). */
export const vendorAClientId = "portal-harness";
const vendorAAdapterFile = "examples/adapters/vendor-a.json";

export interface MockOptions {
  variant?: string | undefined;
  dialect?: string | undefined;
  port?: string | undefined;
  json: boolean;
  out: string;
  say: (line: string) => void;
  signal: AbortSignal;
  /** Where the secret is read from (the process environment by default). */
  env?: NodeJS.ProcessEnv;
}

interface MockRequest {
  variant: string;
  dialect: MockDialect;
  port: number;
  secret: string | null;
}

/** Checks the options before anything starts: exit 2 for a bad name, port or missing secret. */
const parseMockOptions = (o: MockOptions): MockRequest => {
  const variant = o.variant ?? "healthy";
  if (!isMockVariant(variant))
    throw inputError(
      `mock --variant: unknown mock variant "${variant}" (known: ${mockVariantNames.join(", ")})`,
    );
  const dialect = o.dialect ?? "contract";
  if (!(mockDialects as readonly string[]).includes(dialect))
    throw inputError(`mock --dialect: unknown dialect "${dialect}" (known: ${mockDialects.join(", ")})`);
  const port = o.port === undefined ? defaultMockPort : Number(o.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw inputError(`mock --port: "${o.port}" is not a port number`, "hint: a whole number from 1 to 65535");
  let secret: string | null = null;
  if (dialect === "vendor-a") {
    secret = (o.env ?? process.env)[vendorASecretEnv] ?? "";
    if (secret === "")
      throw inputError(
        `mock --dialect vendor-a: environment variable ${vendorASecretEnv} is not set`,
        `hint: export ${vendorASecretEnv}=<the client secret the adapter will sign in with>`,
      );
  }
  return { variant, dialect: dialect as MockDialect, port, secret };
};

const portInUse = (port: number) =>
  environmentError(
    `mock: port ${port} on 127.0.0.1 is in use`,
    "hint: pick another with --port N, or stop what holds it",
  );

const listenDialect = async (app: FastifyInstance, port: number): Promise<void> => {
  try {
    await app.listen({ host: "127.0.0.1", port });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") throw portInUse(port);
    throw e;
  }
};

const waitForAbort = (signal: AbortSignal): Promise<void> =>
  new Promise((resolvePromise) => {
    if (signal.aborted) resolvePromise();
    else signal.addEventListener("abort", () => resolvePromise(), { once: true });
  });

/** What `mock` prints once it serves: one JSON line with `--json`, a few lines for people otherwise. */
const announce = (o: MockOptions, req: MockRequest, url: string, runDir: string): void => {
  if (o.json) {
    o.say(JSON.stringify({ event: "ready", url, dialect: req.dialect, variant: req.variant, runDir }));
    return;
  }
  o.say(
    `mock: serving the ${req.dialect === "contract" ? "portal contract" : `${req.dialect} dialect`} of the mock portal, variant ${req.variant}`,
  );
  o.say(`  base URL: ${url}`);
  if (req.dialect === "vendor-a")
    o.say(`  adapter:  ${vendorAAdapterFile} (client secret from ${vendorASecretEnv}; --target ${url})`);
  const rel = relative(process.cwd(), runDir);
  o.say(`  run dir:  ${rel === "" || rel.startsWith("..") ? runDir : rel}`);
  o.say("  stop with Ctrl-C");
};

/**
 * `portal-harness mock`: the mock portal (its parts, toxiproxy and links, as a run starts them) serving on
 * 127.0.0.1:PORT, the contract or a vendor dialect, until SIGINT/SIGTERM; then everything it started stops.
 */
export const mockCommand = async (o: MockOptions): Promise<ExitCodeValue> => {
  const req = parseMockOptions(o);
  if (!(await isPortFree(req.port))) throw portInUse(req.port);
  const toxiproxy = findTool("toxiproxy");
  if (!toxiproxy)
    throw environmentError(
      "missing tool: toxiproxy",
      "hint: run `npx portal-harness setup` to build it into the tools cache",
    );
  const leftovers = findLeftovers(o.out);
  if (leftovers.length > 0)
    for (const line of await cleanLeftovers(leftovers, "mock")) if (!o.json) o.say(line);
  const runId = `mock-${newRunId()}`;
  const runDir = join(o.out, runId);
  mkdirSync(runFiles(runDir).logs, { recursive: true });
  const recorder = new RunStateRecorder(runDir, runId);
  let stack: Stack | undefined;
  let dialectApp: FastifyInstance | undefined;
  try {
    stack = await startStack({
      runId,
      runDir,
      target: { kind: "mock", variant: req.variant },
      seed: 1,
      toxiproxyBinary: toxiproxy.path,
      recorder,
      ...(req.dialect === "contract" ? { citizenPort: req.port } : {}),
    });
    let url = stack.citizenUrl;
    if (req.dialect === "vendor-a") {
      dialectApp = buildVendorAApp({
        gatewayUrl: stack.citizenUrl,
        clientId: vendorAClientId,
        clientSecret: req.secret ?? "",
      });
      await listenDialect(dialectApp, req.port);
      const { port } = dialectApp.server.address() as AddressInfo;
      url = `http://127.0.0.1:${port}${vendorBase}`;
    }
    announce(o, req, url, runDir);
    await waitForAbort(o.signal);
    return ExitCode.passed;
  } finally {
    await dialectApp?.close();
    await stack?.stop();
    recorder.end();
  }
};

/** Runs `fn` with a signal that SIGINT, SIGTERM or SIGHUP aborts. */
export const withStopSignals = async <T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const s of signals) process.on(s, onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
};
