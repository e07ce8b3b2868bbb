// Builds the CLI, the engine (its process and its worker thread) and the mock's part entry for Node 20,
// which cannot run TypeScript itself.
import { chmodSync } from "node:fs";
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
  sourcemap: "linked",
};

const entries = [
  ["scripts/cli.ts", "dist/cli.js"],
  ["engine/main.ts", "dist/engine.js"],
  ["engine/worker/worker-thread.ts", "dist/engine-worker.js"],
  ["mocks/main.ts", "dist/mock-part.js"],
  ["mocks/write-openapi.ts", "dist/write-openapi.js"],
  ["bench/run.ts", "dist/bench.js"],
];
await Promise.all(
  entries.map(([entry, outfile]) =>
    build({
      ...common,
      entryPoints: [entry],
      outfile,
      ...(entry === "scripts/cli.ts" ? { banner: { js: "#!/usr/bin/env node" } } : {}),
    }),
  ),
);
chmodSync("dist/cli.js", 0o755);
