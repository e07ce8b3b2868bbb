#!/usr/bin/env node
/**
 * Lint rule "no async group": k6's group() takes synchronous functions only (k6 and the engine both refuse an
 * async one, but only when the call runs), so a call of `group` from "k6" whose callback is an async function
 * or async arrow fails here, naming file:line. Scans the scenario code (`scenarios/` by default, or the
 * folders and files given) with the TypeScript parser. Exit 0 clean, 1 found, 2 bad arguments.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const extensions = /\.(ts|mts|cts|js|mjs|cjs)$/;

const filesUnder = (path) => {
  if (statSync(path).isFile()) return extensions.test(path) ? [path] : [];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
    e.name === "node_modules" || e.name.startsWith(".") ? [] : filesUnder(join(path, e.name)),
  );
};

const isAsync = (node) => (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Async) !== 0;
const unwrap = (node) => (ts.isParenthesizedExpression(node) ? unwrap(node.expression) : node);
const isAsyncFunction = (node) =>
  (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && isAsync(node);

/** The problems of one file: every `group(name, async …)` where `group` comes from "k6". */
export const asyncGroups = (file, text) => {
  const kind = /\.(ts|mts|cts)$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const groups = new Set(); // local names of k6's group
  const modules = new Set(); // local names of the k6 module (default or namespace import)
  const asyncNames = new Set(); // functions declared async in this file, by name
  for (const stmt of source.statements) {
    if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier)) continue;
    if (stmt.moduleSpecifier.text !== "k6" || !stmt.importClause) continue;
    const clause = stmt.importClause;
    if (clause.name) modules.add(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) modules.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings))
      for (const el of bindings.elements) {
        const imported = (el.propertyName ?? el.name).text;
        if (imported === "group") groups.add(el.name.text);
        if (imported === "default") modules.add(el.name.text);
      }
  }
  if (groups.size === 0 && modules.size === 0) return [];
  const collect = (node) => {
    if (ts.isFunctionDeclaration(node) && node.name && isAsync(node)) asyncNames.add(node.name.text);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
      if (isAsyncFunction(unwrap(node.initializer))) asyncNames.add(node.name.text);
    ts.forEachChild(node, collect);
  };
  collect(source);
  const problems = [];
  const visit = (node) => {
    if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      const isGroup =
        (ts.isIdentifier(callee) && groups.has(callee.text)) ||
        (ts.isPropertyAccessExpression(callee) &&
          callee.name.text === "group" &&
          ts.isIdentifier(callee.expression) &&
          modules.has(callee.expression.text));
      const fn = node.arguments[1] ? unwrap(node.arguments[1]) : undefined;
      if (isGroup && fn && (isAsyncFunction(fn) || (ts.isIdentifier(fn) && asyncNames.has(fn.text)))) {
        const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
        const name = node.arguments[0] ? node.arguments[0].getText(source) : "?";
        problems.push({
          line: line + 1,
          column: character + 1,
          message: `group(${name}, async …): k6's group() takes a synchronous function only; tag the steps (params.tags) instead`,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
};

const main = (args) => {
  const targets = (args.length > 0 ? args : [join(root, "scenarios")]).map((a) => resolve(a));
  for (const t of targets)
    if (!existsSync(t)) {
      console.error(`no-async-group: ${t}: no such file or folder`);
      return 2;
    }
  const files = targets.flatMap(filesUnder);
  let found = 0;
  for (const file of files)
    for (const p of asyncGroups(file, readFileSync(file, "utf8"))) {
      found++;
      const shown = relative(process.cwd(), file);
      console.error(`${shown.startsWith("..") ? file : shown}:${p.line}:${p.column}: ${p.message}`);
    }
  if (found > 0) {
    console.error(`no-async-group: ${found} async group() call${found === 1 ? "" : "s"}`);
    return 1;
  }
  console.log(`no-async-group: ${files.length} files, no async group()`);
  return 0;
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main(process.argv.slice(2));
