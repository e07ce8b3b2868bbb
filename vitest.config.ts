import { defineConfig } from "vitest/config";

/**
 * Three levels: `unit` (pure, fast), `integration` (real toxiproxy, real HTTP servers) and `e2e` (real k6
 * through toxiproxy into the mock). `npm test` runs them all; `npm run test:fast` only the unit level.
 * Files run one at a time: integration and e2e suites measure timing on a 2-core machine.
 */
export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        resolve: {
          // Shared k6 code is unit-tested in Node against stand-ins of k6's modules.
          alias: [
            { find: /^k6$/, replacement: `${import.meta.dirname}/scenarios/testing/k6-stubs/k6.ts` },
            { find: /^k6\/http$/, replacement: `${import.meta.dirname}/scenarios/testing/k6-stubs/http.ts` },
            {
              find: /^k6\/metrics$/,
              replacement: `${import.meta.dirname}/scenarios/testing/k6-stubs/metrics.ts`,
            },
            {
              find: /^k6\/execution$/,
              replacement: `${import.meta.dirname}/scenarios/testing/k6-stubs/execution.ts`,
            },
          ],
        },
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
