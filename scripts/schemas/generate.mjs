// `npm run schemas`: bundles the schema writer for Node 20 (which cannot run TypeScript) and runs it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const dir = mkdtempSync(join(tmpdir(), "portal-harness-schemas-"));
const outfile = join(dir, "write-schemas.mjs");
try {
  await build({
    entryPoints: [new URL("./write.ts", import.meta.url).pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Bundled whole (no externals): the temp file cannot resolve node_modules from where it lives. CommonJS
    // dependencies that require Node's modules get a real `require`.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: "warning",
    outfile,
  });
  const { writeSchemas } = await import(pathToFileURL(outfile).href);
  const root = fileURLToPath(new URL("../..", import.meta.url));
  for (const file of writeSchemas(root)) process.stdout.write(`wrote ${file}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
