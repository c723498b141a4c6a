import { describe, expect, it } from 'vitest';
import { loadCliEnvironment } from './env.ts';

describe('the CLI environment', () => {
  it('finds the data directory where `pnpm leadsync` was typed (INIT_CWD)', () => {
    const env = loadCliEnvironment({ INIT_CWD: '/srv/leadsync' }, '/srv/leadsync/apps/cli');
    expect(env.LEADSYNC_DATA_DIR).toBe('/srv/leadsync/.data');
    expect(env.invocationDir).toBe('/srv/leadsync');
  });

  it('finds it where `pnpm --filter @leadsync/cli exec leadsync` was typed (the shell’s PWD)', () => {
    const env = loadCliEnvironment(
      { npm_command: 'exec', PWD: '/srv/leadsync', LEADSYNC_DATA_DIR: 'state' },
      '/srv/leadsync/apps/cli',
    );
    expect(env.LEADSYNC_DATA_DIR).toBe('/srv/leadsync/state');
  });

  it('keeps an absolute data directory and defaults to quiet logs', () => {
    const env = loadCliEnvironment({ LEADSYNC_DATA_DIR: '/var/lib/leadsync' }, '/tmp');
    expect(env.LEADSYNC_DATA_DIR).toBe('/var/lib/leadsync');
    expect(env.LOG_LEVEL).toBe('warn');
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('refuses a malformed variable with the one-line message', () => {
    expect(() => loadCliEnvironment({ DATABASE_URL: 'mysql://x' }, '/tmp')).toThrow(
      /^Missing or invalid environment: DATABASE_URL \(expected a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  });
});
