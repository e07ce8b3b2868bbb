import { createReadStream, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { z } from "zod";
import { inputError } from "./errors.js";

/**
 * Where a secret comes from: an environment variable or a file (relative to the file that names it). Never a
 * command-line argument (other users of the machine can read those) and never the value itself.
 */
export const SecretSource = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name") }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretSource = z.infer<typeof SecretSource>;

export const SecretName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "a secret name like clientSecret");

/** Secret name → its value. */
export type SecretValues = Readonly<Record<string, string>>;

/** Shorter values are refused: they would match by chance in logs and reports. */
export const minSecretLength = 6;

const secretHint =
  "hint: set the variable in the harness's environment, or point the secret at a readable file; secrets are never taken from the command line";

const fromFile = (name: string, file: string, baseDir: string, label: string): string => {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw inputError(`${label}: secrets.${name}: cannot read file ${file} (${code})`, secretHint);
  }
  // One trailing newline is what editors and `echo` add; it is not part of the secret.
  return text.replace(/\r?\n$/, "");
};

/**
 * The values of the secrets `refs` names: each from its environment variable or file. A missing one is an
 * input error (exit 2) naming the secret and where it was looked for; so is an empty or too short one.
 */
export const resolveSecrets = (
  refs: Readonly<Record<string, SecretSource>>,
  o: { env?: NodeJS.ProcessEnv; baseDir: string; label?: string },
): SecretValues => {
  const env = o.env ?? process.env;
  const label = o.label ?? "adapter";
  const out: Record<string, string> = {};
  for (const [name, source] of Object.entries(refs)) {
    let value: string;
    if ("env" in source) {
      const v = env[source.env];
      if (v === undefined || v === "")
        throw inputError(
          `${label}: secrets.${name}: environment variable ${source.env} is not set`,
          secretHint,
        );
      value = v;
    } else value = fromFile(name, source.file, o.baseDir, label);
    if (value.length < minSecretLength)
      throw inputError(
        `${label}: secrets.${name}: the value is shorter than ${minSecretLength} characters`,
        "hint: use a real secret; short values would be found by chance in logs and reports",
      );
    out[name] = value;
  }
  return out;
};

/**
 * Replaces known secret values (and the tokens a sign-in obtained, added at run time) in text that leaves
 * the process: log lines, errors, reports. Each value is also matched in its URL-encoded form, the way it
 * travels in a form body or a query string.
 */
export class Redactor {
  private readonly entries: { value: string; name: string }[] = [];

  constructor(values: SecretValues = {}) {
    for (const [name, value] of Object.entries(values)) this.add(name, value);
  }

  add(name: string, value: string): void {
    if (value.length < minSecretLength)
      throw inputError(
        `secret ${name}: the value is shorter than ${minSecretLength} characters`,
        "hint: short values would be found by chance in logs and reports",
      );
    const forms = new Set([value, encodeURIComponent(value)]);
    for (const form of forms)
      if (!this.entries.some((e) => e.value === form)) this.entries.push({ value: form, name });
    // Longest first, so a value that contains another is replaced whole.
    this.entries.sort((a, b) => b.value.length - a.value.length);
  }

  /** Every value held (secrets and tokens), by name with a counter, for a last search of a run's files. */
  values(): SecretValues {
    return Object.fromEntries(this.entries.map((e, i) => [`${e.name}#${i}`, e.value]));
  }

  redact(text: string): string {
    let out = text;
    for (const e of this.entries)
      if (out.includes(e.value)) out = out.split(e.value).join(`[redacted:${e.name}]`);
    return out;
  }
}

export interface SecretHit {
  /** Relative to the folder searched. */
  file: string;
  name: string;
}

const filesUnder = (dir: string): string[] => {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
};

/** Which of `needles` occur in a stream, chunk by chunk (a match may straddle two chunks). */
const scan = async (
  stream: Readable,
  needles: readonly { name: string; bytes: Buffer }[],
): Promise<Set<string>> => {
  const found = new Set<string>();
  const keep = Math.max(0, ...needles.map((n) => n.bytes.length - 1));
  let tail = Buffer.alloc(0);
  for await (const chunk of stream) {
    const window = Buffer.concat([tail, chunk as Buffer]);
    for (const n of needles) if (!found.has(n.name) && window.includes(n.bytes)) found.add(n.name);
    tail = window.subarray(Math.max(0, window.length - keep));
  }
  return found;
};

/** A `.gz` file is searched gunzipped; one that does not gunzip is searched as it is. */
const scanFile = async (
  file: string,
  needles: readonly { name: string; bytes: Buffer }[],
): Promise<Set<string>> => {
  if (file.endsWith(".gz")) {
    try {
      return await scan(
        pipeline(createReadStream(file), createGunzip(), () => {}),
        needles,
      );
    } catch {
      // not gzip after all
    }
  }
  return scan(createReadStream(file), needles);
};

/**
 * Every file under `dir` (`.gz` files gunzipped) that holds one of the secret values, plain or URL-encoded:
 * the last check that a run directory is safe to share.
 */
export const findSecrets = async (dir: string, values: SecretValues): Promise<SecretHit[]> => {
  const needles = Object.entries(values).flatMap(([name, value]) =>
    [...new Set([value, encodeURIComponent(value)])].map((v) => ({ name, bytes: Buffer.from(v, "utf8") })),
  );
  if (needles.length === 0) return [];
  const hits: SecretHit[] = [];
  for (const file of filesUnder(dir).sort()) {
    const found = await scanFile(file, needles);
    for (const name of found) hits.push({ file: relative(dir, file), name });
  }
  return hits;
};
