import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { renderSchema, schemaExports } from "./export.js";

/** Writes every JSON Schema export under `root`; returns the files written. */
export const writeSchemas = (root: string): string[] =>
  schemaExports.map((e) => {
    const file = join(root, e.file);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, renderSchema(e));
    return e.file;
  });
