import { inputError } from "../../kernel/errors.js";
import { readJsonFile } from "../../kernel/validate.js";

/**
 * The base URL an adapter file names, for a workflow given `--adapter` without `--target`. The file is
 * validated in full when the run is planned; here only its `baseUrl` is read.
 */
export const adapterBaseUrl = (file: string): string => {
  const raw = readJsonFile(file) as { baseUrl?: unknown } | null;
  if (raw === null || typeof raw !== "object" || typeof raw.baseUrl !== "string")
    throw inputError(
      `${file}: baseUrl: missing or not a string`,
      "hint: name the vendor API's base URL in the adapter, or give it with --target URL",
    );
  return raw.baseUrl;
};
