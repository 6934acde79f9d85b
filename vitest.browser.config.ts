// Browser tests: real Chromium (Debian's, driven by playwright-core) against the full local
// server, which each test file starts itself (DynamoDB Local, demo seed, site app on a free
// port). No globalSetup from the main config; files run one at a time (each owns a JVM).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
