import { defineConfig } from "vitest/config";

/**
 * Three levels: `unit` (pure, fast), `integration` (real toxiproxy, real HTTP servers, the engine against the
 * mock: the journeys' tests) and `e2e` (the whole harness through toxiproxy into the mock). `npm test` runs
 * them all; `npm run test:fast` only the unit level.
 * Files run one at a time: integration and e2e suites measure timing on a 2-core machine.
 */
export default defineConfig({
  test: {
    fileParallelism: false,
    globalSetup: ["./vitest.global-setup.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "**/*.e2e.test.ts", "node_modules/**", "dist/**", "out/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts"],
          exclude: ["node_modules/**", "dist/**", "out/**"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["**/*.e2e.test.ts"],
          exclude: ["node_modules/**", "dist/**", "out/**"],
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
