import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDatabase } from '@leadsync/testing/global-setup';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/leadsync.js', import.meta.url));
const { adminUrl } = inject('testDatabase');
const name = `leadsync_cli_bin_${randomBytes(4).toString('hex')}`;
const databaseUrl = withDatabase(adminUrl, name);
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
let dataDir: string;

/** Runs the real `leadsync` binary, as an operator would. */
function leadsync(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATABASE_URL: databaseUrl,
          LEADSYNC_DATA_DIR: dataDir,
        },
        timeout: 60_000,
      },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  dataDir = await mkdtemp(join(tmpdir(), 'leadsync-cli-data-'));
});
afterAll(async () => {
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the leadsync binary', () => {
  it('prints its commands with --help and exits 0', async () => {
    const { code, stdout } = await leadsync('--help');
    expect(code).toBe(0);
    for (const command of ['migrate', 'doctor', 'sync', 'export-run']) expect(stdout).toContain(command);
  });

  it('fails the doctor on an empty database, migrates it, then passes the doctor', async () => {
    const before = await leadsync('doctor');
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/✗ migrations +\d+ of \d+ pending/);

    const migrated = await leadsync('migrate');
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/^Applied \d+ migrations:\n {2}0000_initial_schema\n/);
    expect(migrated.stdout).toContain('Job store ready: PostgreSQL table agenda_jobs');

    const after = await leadsync('doctor');
    expect(after.stdout).toMatch(/All \d+ checks passed\./);
    expect(after.code).toBe(0);
  });

  it('exits 1 with a one-line message for an unknown run', async () => {
    const { code, stdout, stderr } = await leadsync(
      'export-run',
      '00000000-0000-4000-8000-000000000000',
      '--csv',
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('leadsync: Sync run 00000000-0000-4000-8000-000000000000 was not found.\n');
  });
});
