import { leadsyncVitestConfig } from '@leadsync/testing/vitest';

export default leadsyncVitestConfig({
  config: {
    test: {
      environment: 'jsdom',
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
      setupFiles: ['./src/test/setup.ts'],
      // One jsdom for all files (each test cleans up after itself): environment start-up dominated the run.
      isolate: false,
    },
  },
});
