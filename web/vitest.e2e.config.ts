// End-to-end journeys in Debian's Chromium (playwright-core) against the real gateway, PostgreSQL
// and Redis: e2e/global-setup.ts starts a gateway on a fresh database and serves dist/ from it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/global-setup.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['verbose'],
  },
});
