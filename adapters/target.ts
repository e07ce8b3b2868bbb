import { resolveSecrets, type SecretValues } from "../kernel/secrets.js";
import { adapterDir, loadAdapter, type ParsedAdapter } from "./load.js";

/** A URL target's adapter, validated, its secrets read. */
export interface LoadedAdapter {
  /** The adapter file as given. */
  file: string;
  adapter: ParsedAdapter;
  /** Not enumerable: a plan printed or serialised never carries the values. */
  readonly secrets: SecretValues;
}

/**
 * Loads a run's adapter for a URL target (the target URL is the vendor API's base URL) and reads its secrets
 * from the environment or files: any problem is exit 2 before anything starts.
 */
export const loadAdapterTarget = (
  file: string,
  baseUrl: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedAdapter => {
  const adapter = loadAdapter(file, { baseUrl });
  const secrets = resolveSecrets(adapter.secrets, { env, baseDir: adapterDir(file), label: file });
  const loaded = { file, adapter } as LoadedAdapter;
  Object.defineProperty(loaded, "secrets", { value: secrets, enumerable: false });
  return loaded;
};
