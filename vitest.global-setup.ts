import { execFileSync } from "node:child_process";

/** Tests run the built engine, CLI and mock parts: build them once before any test file (about a second). */
export function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
