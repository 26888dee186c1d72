import { defineConfig } from 'vitest/config';

// End-to-end tests drive one Chromium each; on a 2-core machine they run one file at a time.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
