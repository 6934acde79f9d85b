// Browser tests: real Chromium (Debian's, driven by playwright-core) against the full local
// server, which each test file starts itself (DynamoDB Local, demo seed, site app on a free
// port). No globalSetup from the main config; files run one at a time (each owns a JVM).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    testTimeout: 180_000, // a page walk of several steps on a small, busy CI box
    // starting the full local server with the demo seed (stream, coverage) takes minutes under load
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
