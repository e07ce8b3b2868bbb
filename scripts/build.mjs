// Builds the CLI and the mock's part entry for Node 20, which cannot run TypeScript itself.
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

await build({
  ...common,
  entryPoints: ["scripts/cli.ts"],
  outfile: "dist/cli.js",
  banner: { js: "#!/usr/bin/env node" },
});
await build({ ...common, entryPoints: ["mocks/main.ts"], outfile: "dist/mock-part.js" });
await build({ ...common, entryPoints: ["mocks/write-openapi.ts"], outfile: "dist/write-openapi.js" });
await build({ ...common, entryPoints: ["bench/run.ts"], outfile: "dist/bench.js" });
chmodSync("dist/cli.js", 0o755);
