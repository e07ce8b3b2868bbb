#!/bin/sh
# Installs what the README's commands need and is missing: node modules, the built CLI, the Go-built tools
# (and, with --for-tests, the browser and the container runtime the test suites use). Each step is skipped
# when its result is already there.
set -eu
cd "$(dirname "$0")/.."
say() { printf 'portal-harness setup: %s\n' "$*"; }

if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing node modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

stale=""
if [ -f dist/cli.js ]; then
  stale=$(find scripts mocks chaos reports scenarios -name '*.ts' -newer dist/cli.js 2>/dev/null | head -n 1)
fi
if [ ! -f dist/cli.js ] || [ ! -f dist/mock-part.js ] || [ -n "$stale" ]; then
  say "building the CLI (esbuild)"
  node scripts/build.mjs
fi

node dist/cli.js setup
if [ "${1:-}" = "--for-tests" ]; then
  node dist/cli.js setup --extras
fi
