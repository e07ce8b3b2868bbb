import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { engineVersion } from "./version.js";

describe("the engine's version", () => {
  it("is the package's version (it goes into every run's fingerprint)", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as {
      version: string;
    };
    expect(engineVersion).toBe(pkg.version);
  });
});
