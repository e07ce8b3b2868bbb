import { readFileSync } from "node:fs";
import type { z } from "zod";
import { inputError } from "./errors.js";

/** Renders a zod issue path as `a.b[0].c`. */
export const formatPath = (path: readonly PropertyKey[]): string => {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
};

/** One line per invalid field: `file: path.to[0].field: message`. */
export const formatIssues = (source: string, error: z.ZodError): string[] =>
  error.issues.map((issue) => `${source}: ${formatPath(issue.path)}: ${issue.message}`);

/** Validates a value; on failure throws an exit-2 error listing every invalid field. */
export const parseWith = <S extends z.ZodType>(schema: S, value: unknown, source: string): z.infer<S> => {
  const result = schema.safeParse(value);
  if (!result.success) throw inputError(...formatIssues(source, result.error));
  return result.data;
};

/** Reads a JSON file; unreadable or malformed files are input errors naming the file. */
export const readJsonFile = (file: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw inputError(`${file}: cannot read file (${code})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw inputError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
};

export const parseJsonFile = <S extends z.ZodType>(schema: S, file: string): z.infer<S> =>
  parseWith(schema, readJsonFile(file), file);
