#!/usr/bin/env node
// No function a reader cannot hold in mind: every function, method, arrow function and accessor in the
// rooms' code (not tests) is at most MAX lines long, nested functions included. Data tables are constants,
// not functions, so they are not counted.
//
// Usage: node scripts/lint/function-length.mjs [ROOT]   exit 0 clean, 1 with the long functions listed.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { rooms } from "./import-order.mjs";

export const maxLines = 120;

const files = (root) => {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (["node_modules", "dist", "out"].includes(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.name.endsWith(".d.ts"))
        out.push(p);
    }
  };
  for (const r of rooms) {
    try {
      walk(join(root, r));
    } catch {
      // a room that does not exist here
    }
  }
  return out;
};

const nameOf = (node, sf) => {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return `(anonymous at line ${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1})`;
};

export const longFunctions = (root, max = maxLines) => {
  const found = [];
  for (const file of files(root)) {
    const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isArrowFunction(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isGetAccessorDeclaration(node) ||
        ts.isSetAccessorDeclaration(node)
      ) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = end - start + 1;
        if (lines > max)
          found.push(
            `${relative(root, file)}:${start + 1}: ${nameOf(node, sf)} is ${lines} lines (at most ${max})`,
          );
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), "..", ".."));
  const found = longFunctions(root);
  for (const f of found) process.stderr.write(`${f}\n`);
  if (found.length > 0) {
    process.stderr.write(`function-length: ${found.length} function(s) over ${maxLines} lines\n`);
    process.exit(1);
  }
  process.stdout.write(`function-length: every function ≤ ${maxLines} lines\n`);
}
