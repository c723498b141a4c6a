import { leadsyncVitestConfig } from '@leadsync/testing/vitest';

export default leadsyncVitestConfig({
  config: {
    test: {
      environment: 'jsdom',
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
      setupFiles: ['./src/test/setup.ts'],
    },
  },
});
