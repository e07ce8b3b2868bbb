import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { findSecrets, Redactor, resolveSecrets } from "./secrets.js";
import { inputErrorLines } from "./testing/harness-error.js";
import { tempDir } from "./testing/temp-dir.js";

describe("resolveSecrets", () => {
  it("reads environment variables and files (relative to baseDir, one trailing newline dropped)", () => {
    using dir = tempDir("ph-secrets-");
    writeFileSync(join(dir.path, "key.txt"), "file-secret-1\n");
    const values = resolveSecrets(
      { a: { env: "PH_A" }, b: { file: "key.txt" } },
      { env: { PH_A: "env-secret-1" }, baseDir: dir.path },
    );
    expect(values).toEqual({ a: "env-secret-1", b: "file-secret-1" });
  });

  it.each<[string, Record<string, { env: string } | { file: string }>, Record<string, string>, RegExp]>([
    [
      "an unset variable",
      { clientSecret: { env: "PH_X" } },
      {},
      /^adapter: secrets\.clientSecret: environment variable PH_X is not set$/,
    ],
    [
      "an empty variable",
      { clientSecret: { env: "PH_X" } },
      { PH_X: "" },
      /environment variable PH_X is not set/,
    ],
    [
      "a missing file",
      { k: { file: "nope.txt" } },
      {},
      /^adapter: secrets\.k: cannot read file nope\.txt \(ENOENT\)$/,
    ],
    [
      "a short value",
      { k: { env: "PH_X" } },
      { PH_X: "abc" },
      /^adapter: secrets\.k: the value is shorter than 6 characters$/,
    ],
  ])("refuses %s (exit 2, with a hint)", (_name, refs, env, want) => {
    using dir = tempDir("ph-secrets-");
    const lines = inputErrorLines(() => resolveSecrets(refs, { env, baseDir: dir.path }));
    expect(lines[0]).toMatch(want);
    expect(lines[1]).toMatch(/^hint: /);
  });
});

describe("Redactor", () => {
  it("replaces every occurrence, the URL-encoded form too, and tokens added later", () => {
    const r = new Redactor({ clientSecret: "p@ss word/1" });
    r.add("vendorToken", "tok-123456");
    expect(r.redact("a p@ss word/1 b client_secret=p%40ss%20word%2F1 c tok-123456 p@ss word/1")).toBe(
      "a [redacted:clientSecret] b client_secret=[redacted:clientSecret] c [redacted:vendorToken] [redacted:clientSecret]",
    );
    expect(r.redact("nothing here")).toBe("nothing here");
  });

  it("replaces the longer of two overlapping values whole", () => {
    const r = new Redactor({ short: "abcdef", long: "abcdefghij" });
    expect(r.redact("abcdefghij abcdef")).toBe("[redacted:long] [redacted:short]");
  });

  it("refuses values shorter than 6 characters", () => {
    expect(inputErrorLines(() => new Redactor({ k: "12345" }))[0]).toMatch(
      /secret k: the value is shorter than 6/,
    );
  });
});

describe("findSecrets", () => {
  it("finds values in plain and gzipped files at any depth, also straddling chunks", async () => {
    using dir = tempDir("ph-find-");
    mkdirSync(join(dir.path, "sub"));
    writeFileSync(join(dir.path, "clean.txt"), "nothing");
    writeFileSync(join(dir.path, "log.txt"), "client_secret=s%3Dcret-1");
    // Beyond one 64 KiB read, so the value spans two chunks.
    writeFileSync(join(dir.path, "sub", "results.json.gz"), gzipSync(`${"x".repeat(65_533)}token-abcdef\n`));
    writeFileSync(join(dir.path, "broken.gz"), "not gzip, but s=cret-1");
    const hits = await findSecrets(dir.path, { secret: "s=cret-1", token: "token-abcdef" });
    expect(hits).toEqual([
      { file: "broken.gz", name: "secret" },
      { file: "log.txt", name: "secret" },
      { file: join("sub", "results.json.gz"), name: "token" },
    ]);
  });

  it("finds nothing when there is nothing to look for", async () => {
    using dir = tempDir("ph-find-");
    writeFileSync(join(dir.path, "a"), "a");
    expect(await findSecrets(dir.path, {})).toEqual([]);
  });
});
