// Plain JavaScript: vite loads config files with Node itself, which cannot import TypeScript from a workspace package.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const globalSetup = fileURLToPath(new URL('./global-setup.ts', import.meta.url));

/**
 * One vitest configuration for every package, so decorators and the graphql module behave the same everywhere.
 * @param {import('./vitest.d.ts').LeadsyncVitestOptions} [options]
 * @returns {import('vitest/config').ViteUserConfig}
 */
export function leadsyncVitestConfig(options = {}) {
  const extra = options.config ?? {};
  // CI collects every package's counts into one summary line (`.ci/test-summary.mjs`).
  const reportDir = process.env.LEADSYNC_TEST_REPORT_DIR;
  const slug = process.cwd().split(/[\\/]/).slice(-2).join('-');
  const reporters = reportDir
    ? ['default', ['json', { outputFile: join(reportDir, `${slug}.json`) }]]
    : undefined;
  return {
    ...extra,
    resolve: { alias: { graphql: 'graphql/index.js' }, ...extra.resolve },
    oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
    test: {
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 120_000,
      globalSetup: options.database ? [globalSetup] : [],
      ...(reporters ? { reporters } : {}),
      ...extra.test,
    },
  };
}
