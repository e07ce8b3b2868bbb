import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { builtinModules } from "node:module";
import { basename, dirname } from "node:path";
import { build, type Message, type Plugin, transform } from "esbuild";
import { inputError } from "../../kernel/errors.js";
import { blockingReplacements } from "../runtime/errors.js";
import { blockingExports, supportedModules } from "./k6-modules.js";

/**
 * Bundles a scenario script (TypeScript or JavaScript) the way the engine runs it and k6 could: one ES module
 * whose only imports are k6 modules. What scenario code may not reach is refused here, by name, before
 * anything runs: Node's modules, remote `https://` imports (never fetched), packages, k6 modules this engine
 * does not implement, named imports of k6's blocking calls, and `handleSummary`. The same bundle is then
 * turned into a CommonJS function body for the engine's sandbox.
 */
export interface Bundle {
  /** The ES module (a valid k6 script). */
  esm: string;
  /** The same code as a CommonJS body for the sandbox. */
  cjs: string;
  sha256: string;
  /** The script's folder, for `open()`. */
  dir: string;
  file: string;
}

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const refusals: Plugin = {
  name: "scenario-refusals",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const p = args.path;
      if (args.kind === "entry-point") return undefined;
      if (/^https?:\/\//.test(p))
        return {
          errors: [
            {
              text: `remote import "${p}" refused: the engine never fetches code; vendor the file next to the script`,
            },
          ],
        };
      if (p.startsWith("node:") || nodeBuiltins.has(p))
        return { errors: [{ text: `"${p}" is a Node module: scenario code has no access to Node's APIs` }] };
      if (p === "k6" || p.startsWith("k6/")) {
        if (supportedModules[p]) return { path: p, external: true };
        return {
          errors: [
            {
              text: `k6 module "${p}" is not supported by this engine (supported: ${Object.keys(supportedModules).join(", ")})`,
            },
          ],
        };
      }
      if (p.startsWith(".") || p.startsWith("/")) return undefined;
      return {
        errors: [
          { text: `package import "${p}" refused: scenario code imports only k6 modules and relative files` },
        ],
      };
    });
  },
};

const where = (m: Message): string =>
  m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}` : "script";

interface ImportClause {
  module: string;
  defaultName: string | null;
  namespace: string | null;
  named: Array<{ imported: string; local: string }>;
}

/** The import statements esbuild leaves at the top of an ES module bundle (one per line). */
export const readImports = (esm: string): ImportClause[] => {
  const out: ImportClause[] = [];
  const re =
    /^import\s+(?:([\w$]+)\s*,?\s*)?(?:\*\s+as\s+([\w$]+)\s*)?(?:\{([^}]*)\}\s*)?(?:from\s+)?"([^"]+)";?\s*$/gm;
  for (const m of esm.matchAll(re)) {
    const named = (m[3] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "")
      .map((s) => {
        const [imported, local] = s.split(/\s+as\s+/);
        return { imported: (imported as string).trim(), local: (local ?? imported ?? "").trim() };
      });
    out.push({ module: m[4] as string, defaultName: m[1] ?? null, namespace: m[2] ?? null, named });
  }
  return out;
};

/** What the static read of the bundle refuses: unknown names, blocking calls, handleSummary. */
export const staticProblems = (esm: string): string[] => {
  const problems: string[] = [];
  for (const imp of readImports(esm)) {
    const known = supportedModules[imp.module];
    if (!known) continue;
    const blocking = blockingExports[imp.module] ?? {};
    for (const n of imp.named) {
      if (!known.includes(n.imported))
        problems.push(`"${n.imported}" is not exported by ${imp.module} in this engine`);
      const b = blocking[n.imported];
      if (b) problems.push(`${b}() blocks the VU: use ${blockingReplacements[b]} instead`);
    }
    for (const local of [imp.defaultName, imp.namespace]) {
      if (!local) continue;
      for (const [member, b] of Object.entries(blocking)) {
        const call = new RegExp(`(?<![\\w$.])${local.replace(/\$/g, "\\$")}\\.${member}\\s*\\(`);
        if (call.test(esm)) problems.push(`${b}() blocks the VU: use ${blockingReplacements[b]} instead`);
      }
    }
  }
  if (
    /^export\s*\{[^}]*\bhandleSummary\b[^}]*\}/m.test(esm) ||
    /^export\s+(async\s+)?function\s+handleSummary\b/m.test(esm)
  )
    problems.push(
      "handleSummary() is not supported by this engine: use --summary-export FILE for the summary's data",
    );
  return [...new Set(problems)];
};

export const bundleScript = async (entry: string): Promise<Bundle> => {
  if (!existsSync(entry)) throw inputError(`${entry}: no such script`);
  if (!/\.(m?js|ts|mts)$/.test(entry)) throw inputError(`${entry}: a script is a .js or .ts file`);
  let esm: string;
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: "neutral",
      format: "esm",
      target: "es2022",
      mainFields: ["module", "main"],
      logLevel: "silent",
      legalComments: "none",
      plugins: [refusals],
    });
    esm = result.outputFiles[0]?.text ?? "";
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors && errors.length > 0) throw inputError(...errors.map((m) => `${where(m)}: ${m.text}`));
    throw inputError(`${entry}: ${(e as Error).message}`);
  }
  const problems = staticProblems(esm);
  if (problems.length > 0) throw inputError(...problems.map((p) => `${entry}: ${p}`));
  const cjs = (await transform(esm, { format: "cjs", loader: "js", target: "es2022", logLevel: "silent" }))
    .code;
  return {
    esm,
    cjs,
    sha256: createHash("sha256").update(esm).digest("hex"),
    dir: dirname(entry),
    file: basename(entry),
  };
};
