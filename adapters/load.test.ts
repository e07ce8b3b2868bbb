import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputErrorLines } from "../kernel/testing/harness-error.js";
import { tempDir } from "../kernel/testing/temp-dir.js";
import { loadAdapter } from "./load.js";
import { requiredOperations } from "./schema.js";
import { loadAdapterTarget } from "./target.js";

const example = "examples/adapters/vendor-a.json";

/** The lines of the input error `f` throws (exit 2). */

// biome-ignore lint/suspicious/noExplicitAny: the tests edit the file's raw JSON
type Raw = Record<string, any>;

const withChange = (change: (a: Raw) => void): string[] => {
  using dir = tempDir("ph-adapter-");
  const a = JSON.parse(JSON.stringify(loadAdapter(example))) as Raw;
  change(a);
  const file = join(dir.path, "a.json");
  writeFileSync(file, JSON.stringify(a));
  return inputErrorLines(() => loadAdapter(file)).map((l) => l.replace(file, "FILE"));
};

describe("loadAdapter", () => {
  it("loads the vendor-a example, every gateway operation mapped", () => {
    const a = loadAdapter(example);
    expect(a.name).toBe("vendor-a");
    expect(Object.keys(a.operations)).toHaveLength(24);
    for (const id of requiredOperations) expect(a.operations[id]).toBeDefined();
    expect(a.baseUrl).toBe("http://127.0.0.1:8480/vendor-a/api/v2");
  });

  it("takes a base URL that overrides the file's (trailing slash dropped)", () =>
    expect(loadAdapter(example, { baseUrl: "http://127.0.0.1:9/v/" }).baseUrl).toBe("http://127.0.0.1:9/v"));

  it.each<[string, (a: Raw) => void, RegExp]>([
    [
      "an unknown top-level field",
      (a) => (a.clientSecret = "x"),
      /^FILE: \(root\): Unrecognized key: "clientSecret"/,
    ],
    [
      "a literal secret in the sign-in",
      (a) => (a.signIn.body.client_secret = { value: "x" }),
      /^FILE: signIn\.body\.client_secret: /,
    ],
    [
      "an undeclared secret",
      (a) => (a.signIn.body.client_secret = { secret: "nope" }),
      /^FILE: signIn\.body\.client_secret: secret "nope" is not declared/,
    ],
    [
      "fields not one-to-one",
      (a) => (a.fields.name = "ma"),
      /^FILE: fields\.name: vendor key "ma" is already the one for "code"/,
    ],
    [
      "values not one-to-one",
      (a) => (a.values.status[1] = [2, "TT01"]),
      /^FILE: values\.status\[1\]: vendor value "TT01" appears twice/,
    ],
    [
      "an unknown operation",
      (a) => (a.operations.fly = { method: "get", path: "/bay" }),
      /^FILE: operations: unknown operation fly /,
    ],
    [
      "a national-server operation",
      (a) => (a.operations.nationalLogin = { method: "post", path: "/l" }),
      /unknown operation nationalLogin/,
    ],
    [
      "a missing required operation",
      (a) => delete a.operations.getDossier,
      /^FILE: operations: missing required operation getDossier /,
    ],
    [
      "a path parameter the operation lacks",
      (a) => (a.operations.getDossier.path = "/ho-so/{id}"),
      /^FILE: operations\.getDossier\.path: \{id\} is not a path parameter of getDossier \(it has \{code\}\)/,
    ],
    [
      "a bad method",
      (a) => (a.operations.getDossier.method = "put"),
      /^FILE: operations\.getDossier\.method: /,
    ],
    [
      "an env source with a literal",
      (a) => (a.secrets.clientSecret = { env: "X", value: "y" }),
      /^FILE: secrets\.clientSecret: /,
    ],
    ["a bad status", (a) => (a.statusMap = { "42": 503 }), /^FILE: statusMap/],
  ])("refuses %s, naming the field, with a hint", (_name, change, want) => {
    const lines = withChange(change);
    expect(
      lines.some((l) => want.test(l)),
      lines.join("\n"),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^hint: adapters\/README\.md/);
  });

  it("names both the missing and the unknown operations at once", () => {
    const lines = withChange((a) => {
      delete a.operations.token;
      delete a.operations.getPayment;
      a.operations.teleport = { method: "get", path: "/t" };
    });
    expect(lines.join("\n")).toMatch(/missing required operation token, getPayment/);
    expect(lines.join("\n")).toMatch(/unknown operation teleport/);
  });

  it("refuses a file without a base URL when none is given", () => {
    const lines = withChange((a) => delete a.baseUrl);
    expect(lines[0]).toBe("FILE: baseUrl: the adapter has no base URL and none was given");
  });
});

describe("loadAdapterTarget", () => {
  it("reads the secrets and keeps them out of JSON", () => {
    const t = loadAdapterTarget(example, "http://127.0.0.1:9/v", { PH_VENDOR_A_CLIENT_SECRET: "abcdef-123" });
    expect(t.secrets).toEqual({ clientSecret: "abcdef-123" });
    expect(JSON.stringify(t)).not.toContain("abcdef-123");
    expect(t.adapter.baseUrl).toBe("http://127.0.0.1:9/v");
  });
  it("refuses a missing secret (exit 2), naming the file, the secret and the variable", () => {
    const lines = inputErrorLines(() => loadAdapterTarget(example, "http://127.0.0.1:9/v", {}));
    expect(lines[0]).toBe(
      `${example}: secrets.clientSecret: environment variable PH_VENDOR_A_CLIENT_SECRET is not set`,
    );
    expect(lines[1]).toMatch(/^hint: /);
  });
});
