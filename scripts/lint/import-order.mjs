#!/usr/bin/env node
// The rooms of the project and the order their imports follow:
//   kernel < contract < engine < scenarios < mocks < adapters < chaos < reports < scripts (the CLI) < bench
// A room imports only from itself and from rooms before it. Test code (`*.test.ts`) and test helpers (a
// `testing/` folder) follow the same order, with one allowance: they may also use another room's own test
// helpers (its `testing/` folder), because an integration test runs its room against the real rooms around
// it (a journey against the mock, the mock through toxiproxy). And the scenarios' bundle — what the engine,
// or a user's own k6, runs — may contain only the scenarios and the kernel's pure part (`kernel/pure/`).
//
// Usage: node scripts/lint/import-order.mjs [ROOT]   exit 0 clean, 1 with the offending imports listed.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export const rooms = [
  "kernel",
  "contract",
  "engine",
  "scenarios",
  "mocks",
  "adapters",
  "chaos",
  "reports",
  "scripts",
  "bench",
];

const skipDirs = new Set(["node_modules", "dist", "out", ".git"]);

/** Every .ts and .mjs file under the rooms. */
const sourceFiles = (root) => {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (skipDirs.has(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
    }
  };
  for (const r of rooms) if (existsSync(join(root, r))) walk(join(root, r));
  return out;
};

/** The relative specifiers a file imports (static, re-exports, dynamic import with a literal). */
export const importsOf = (file, text) => {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const specs = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      specs.push({
        spec: node.moduleSpecifier.text,
        line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      });
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      specs.push({
        spec: node.arguments[0].text,
        line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specs.filter((s) => s.spec.startsWith("."));
};

const roomOf = (root, file) => {
  const top = relative(root, file).split(sep)[0];
  return rooms.includes(top) ? top : null;
};

const isTestCode = (root, file) => {
  const rel = relative(root, file);
  return /\.test\.ts$/.test(rel) || rel.split(sep).includes("testing");
};

const isTestHelper = (root, file) => relative(root, file).split(sep).includes("testing");

/** Every import against the order, as `file:line: room imports room (target)`. */
export const checkImports = (root) => {
  const problems = [];
  for (const file of sourceFiles(root)) {
    const from = roomOf(root, file);
    if (!from) continue;
    for (const { spec, line } of importsOf(file, readFileSync(file, "utf8"))) {
      const target = resolve(dirname(file), spec);
      const to = roomOf(root, target);
      if (!to || to === from || rooms.indexOf(to) < rooms.indexOf(from)) continue;
      if (isTestCode(root, file) && isTestHelper(root, target)) continue;
      problems.push(
        `${relative(root, file)}:${line}: ${from} imports ${to} (${relative(root, target)}): ${from} comes before ${to}`,
      );
    }
  }
  return problems;
};

/** Files of the scenarios' bundle outside scenarios/ and kernel/pure/ (esbuild's own view of the bundle). */
export const checkBundle = async (root) => {
  const entry = join(root, "scenarios", "main.ts");
  if (!existsSync(entry)) return [];
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "neutral",
    format: "esm",
    external: ["k6", "k6/*"],
    logLevel: "silent",
  });
  const allowed = [join(root, "scenarios") + sep, join(root, "kernel", "pure") + sep];
  return Object.keys(result.metafile.inputs)
    .map((p) => resolve(root, p))
    .filter((p) => !allowed.some((a) => p.startsWith(a)))
    .map(
      (p) => `scenarios' bundle contains ${relative(root, p)}: only scenarios/ and kernel/pure/ may be in it`,
    );
};

const main = async () => {
  const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), "..", ".."));
  if (!statSync(root).isDirectory()) {
    process.stderr.write(`import-order: ${root} is not a folder\n`);
    process.exit(2);
  }
  const problems = [...checkImports(root), ...(await checkBundle(root))];
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length > 0) {
    process.stderr.write(`import-order: ${problems.length} import(s) against ${rooms.join(" < ")}\n`);
    process.exit(1);
  }
  process.stdout.write(`import-order: ${rooms.join(" < ")}: clean\n`);
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) await main();
