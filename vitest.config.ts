import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/src/**/*.test.tsx',
      'tests/**/*.test.ts',
      'infra/**/*.test.ts',
    ],
    exclude: ['tests/browser/**', 'node_modules/**'],
    // Generous: these are safety nets against hangs, not timing goals; a loaded CI box must not fail them.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Fails a file in which a route answered an error code its OpenAPI entry does not list.
    setupFiles: ['tests/support/error-contract-setup.ts'],
  },
});
