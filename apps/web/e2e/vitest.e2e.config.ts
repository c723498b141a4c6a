import { defineConfig } from 'vitest/config';

// End-to-end: the real product (`pnpm start`) in headless Chromium. Not part of `pnpm test`.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 420_000,
    fileParallelism: false,
  },
});
