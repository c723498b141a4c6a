import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type RuntimeOptions, UnknownConnectorIdError } from './runtime.ts';
import { SecretKeyMissingError } from './secret-key.ts';

const logger = pino({ level: 'silent' });
let tdb: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'leadsync-runtime-'));
});

afterAll(async () => {
  await tdb?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A CLI-like runtime on the test database (no secret key unless given). */
function options(overrides: Partial<RuntimeOptions> = {}, secretKey?: string): RuntimeOptions {
  return {
    env: { DATABASE_URL: tdb.url, LEADSYNC_DATA_DIR: dataDir, LEADSYNC_SECRET_KEY: secretKey },
    logger,
    applicationName: 'leadsync-runtime-test',
    allowedHosts: [],
    secretKey: 'existing',
    ...overrides,
  };
}

describe('createRuntime', () => {
  it('builds one pool for the engine, the job queue and the process, and closes it', async () => {
    const runtime = await createRuntime(
      options({ poolSize: 2, jobs: 'enqueue' }, randomBytes(32).toString('hex')),
    );
    await runtime.scheduler?.start();
    expect(runtime.registry.list().map((connector) => connector.id)).toContain('zoho-invoice');
    // The engine and the job queue work on the runtime's pool: only it (and the job store's pg pool) connect.
    await runtime.engine
      .checkCredentials('csv', {}, { uploadId: randomBytes(4).toString('hex') })
      .catch(() => {});
    const admin = postgres(tdb.url, { max: 1, onnotice: () => {} });
    try {
      const names = await admin<{ name: string }[]>`
        SELECT DISTINCT application_name AS name FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`;
      expect(names.map((row) => row.name).sort()).toEqual(['leadsync-jobs', 'leadsync-runtime-test']);
      await runtime.close();
      const [left] = await admin<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`;
      expect(left?.n).toBe(0);
    } finally {
      await admin.end();
    }
  });

  it('refuses a connector id that no connector has, before opening anything', async () => {
    const jobs = { connectors: ['zoho'], concurrency: 1, lockLifetimeMs: 60_000, processEveryMs: 5_000 };
    await expect(createRuntime(options({ jobs }))).rejects.toThrow(UnknownConnectorIdError);
  });

  it('never generates a secret key for a process that only reads it (the CLI)', async () => {
    await expect(createRuntime(options())).rejects.toThrow(SecretKeyMissingError);
  });
});
