import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  return leadsyncWith({}, ...args);
}

/** The binary with more variables set (the server's secret key, the directory the command was typed in). */
function leadsyncWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
          ...env,
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

  it('stores a CSV file named by its path (`csv upload FILE`) and says what it detected in it', async () => {
    const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await db`INSERT INTO organizations (name) VALUES ('Fair')`;
    } finally {
      await db.end();
    }
    // A spreadsheet's "Unicode text" export: UTF-16 LE with a BOM, semicolons; its path relative to where the
    // command was typed.
    const rows = ['E-Mail;Vorname', ...Array.from({ length: 200 }, (_, i) => `p${i}@example.com;Zoë ${i}`)];
    const bytes = Buffer.from(`\uFEFF${rows.join('\r\n')}\r\n`, 'utf16le');
    await writeFile(join(dataDir, 'kontakte.csv'), bytes);
    const secret = { LEADSYNC_SECRET_KEY: randomBytes(32).toString('hex'), INIT_CWD: dataDir };

    const { code, stdout, stderr } = await leadsyncWith(secret, 'csv', 'upload', 'kontakte.csv');
    expect(stderr).not.toMatch(/leadsync: /);
    expect(code).toBe(0);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(stdout).toContain(
      `Stored kontakte.csv: ${bytes.length.toLocaleString('en-US')} bytes, sha256 ${sha256}`,
    );
    expect(stdout).toContain('Detected: encoding UTF-16 (little-endian), delimiter Semicolon (;)');
    expect(stdout).toContain('Columns: E-Mail, Vorname');
    const id = /Upload id: ([0-9a-f-]{36})/.exec(stdout)?.[1];
    const check = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [file] = await check`SELECT size, sha256, completed_at FROM stored_files WHERE id = ${id ?? ''}`;
      expect(file).toMatchObject({ size: String(bytes.length), sha256 });
      expect(file?.completed_at).not.toBeNull();
    } finally {
      await check.end();
    }

    const missing = await leadsyncWith(secret, 'csv', 'upload', 'nowhere.csv');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`leadsync: ${join(dataDir, 'nowhere.csv')} is not a file.\n`);
  });
});
