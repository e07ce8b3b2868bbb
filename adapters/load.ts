import { dirname, resolve } from "node:path";
import { inputError } from "../kernel/errors.js";
import { formatIssues, readJsonFile } from "../kernel/validate.js";
import { Adapter } from "./schema.js";

/** A parsed adapter file with the base URL it will be used with. */
export type ParsedAdapter = Adapter & { baseUrl: string };

export const adapterHint =
  "hint: adapters/README.md describes every field of an adapter file; examples/adapters/vendor-a.json is a complete one";

/**
 * Reads and validates an adapter file. Every invalid field is one line, `file: path.to.field: message`
 * (unknown and missing operations named), then a hint; exit 2. `baseUrl` overrides the file's own.
 */
export const loadAdapter = (file: string, o: { baseUrl?: string } = {}): ParsedAdapter => {
  const result = Adapter.safeParse(readJsonFile(file));
  if (!result.success) throw inputError(...formatIssues(file, result.error), adapterHint);
  const baseUrl = o.baseUrl ?? result.data.baseUrl;
  if (baseUrl === undefined)
    throw inputError(
      `${file}: baseUrl: the adapter has no base URL and none was given`,
      "hint: give the vendor API's base URL as the run's target URL, or set baseUrl in the adapter file",
    );
  return { ...result.data, baseUrl: baseUrl.replace(/\/+$/, "") };
};

/** The folder a relative secret file is resolved against: the adapter file's own. */
export const adapterDir = (file: string): string => dirname(resolve(file));
