import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Probe tests spawn real servers and child processes; two workers match the 2-core machines.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
