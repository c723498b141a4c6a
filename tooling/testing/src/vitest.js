// Plain JavaScript: vite loads config files with Node itself, which cannot import TypeScript from a workspace package.
import { fileURLToPath } from 'node:url';

const globalSetup = fileURLToPath(new URL('./global-setup.ts', import.meta.url));

/**
 * One vitest configuration for every package, so decorators and the graphql module behave the same everywhere.
 * @param {import('./vitest.d.ts').LeadsyncVitestOptions} [options]
 * @returns {import('vitest/config').ViteUserConfig}
 */
export function leadsyncVitestConfig(options = {}) {
  const extra = options.config ?? {};
  return {
    ...extra,
    resolve: { alias: { graphql: 'graphql/index.js' }, ...extra.resolve },
    oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
    test: {
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 120_000,
      globalSetup: options.database ? [globalSetup] : [],
      ...extra.test,
    },
  };
}
