#!/bin/sh
# Installs what the README's commands need and is missing: node modules, the built CLI and load engine, the
# Go-built toxiproxy (and, with --for-tests, the browser, the container runtime, wrk and nginx the tests and
# benchmarks use). Each step is skipped when its result is already there, so once everything is in place
# nothing here calls npm, go or apt-get, and nothing contacts a registry: the commands work offline.
set -eu
cd "$(dirname "$0")/.."
say() { printf 'portal-harness setup: %s\n' "$*"; }

if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing node modules (npm ci)"
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
fi

# The build is stale when any source it bundles (or the build script) is newer than the built CLI.
stale=""
if [ -f dist/cli.js ]; then
  stale=$(find engine kernel contract scripts mocks adapters chaos reports scenarios bench \( -name '*.ts' -o -name '*.mjs' \) \
    -newer dist/cli.js 2>/dev/null | head -n 1)
fi
if [ ! -f dist/cli.js ] || [ ! -f dist/engine.js ] || [ ! -f dist/engine-worker.js ] || [ ! -f dist/mock-part.js ] \
  || [ -n "$stale" ]; then
  say "building the CLI and the engine (esbuild)"
  node scripts/build.mjs
fi

# Both only look for what is cached and build or install what is missing.
node dist/cli.js setup
if [ "${1:-}" = "--for-tests" ]; then
  node dist/cli.js setup --extras
fi
