import { randomBytes } from 'node:crypto';
import { withDatabase } from '@leadsync/testing/global-setup';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collect } from '../testing/factories.ts';
import { migrate, migrationStatus, prepareJobStore } from './migrate.ts';

// An empty database (not a clone of the migrated template): `migrate` has everything to do.
const { adminUrl } = inject('testDatabase');
const name = `leadsync_cli_migrate_${randomBytes(4).toString('hex')}`;
const url = withDatabase(adminUrl, name);
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });

beforeAll(async () => {
  await admin.unsafe(`CREATE DATABASE "${name}"`);
});
afterAll(async () => {
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

describe('leadsync migrate', () => {
  it('reports every migration as pending on an empty database', async () => {
    const status = await migrationStatus(url);
    expect(status.files.length).toBeGreaterThanOrEqual(3);
    expect(status.applied).toEqual([]);
    expect(status.pending).toEqual(status.files);
  });

  it('applies the pending migrations, names them, and prepares the job store', async () => {
    const out = collect();
    const result = await migrate(
      { databaseUrl: url, prepareJobStore: () => prepareJobStore(url, undefined) },
      out,
    );
    const status = await migrationStatus(url);
    expect(result.applied).toEqual(status.files);
    expect(status.pending).toEqual([]);
    expect(out.text).toContain(`Applied ${status.files.length} migrations:`);
    for (const tag of status.files) expect(out.text).toContain(`  ${tag}\n`);
    expect(out.text).toContain('Job store ready: PostgreSQL table agenda_jobs');
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql`SELECT to_regclass('agenda_jobs') IS NOT NULL AS present`;
      expect(row?.present).toBe(true);
    } finally {
      await sql.end();
    }
  });

  it('does nothing the second time and says the schema is up to date', async () => {
    const out = collect();
    const result = await migrate({ databaseUrl: url }, out);
    expect(result.applied).toEqual([]);
    expect(out.text).toMatch(/^Database schema is up to date \(\d+ migrations applied\)\.\n$/);
  });

  it('sees a migration missing from the ledger as pending, and a ledger entry it does not know', async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const before = await migrationStatus(url);
      const last = before.files.at(-1)!;
      await sql`DELETE FROM drizzle.__drizzle_migrations WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations)`;
      await sql`INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('future', 99999999999999)`;
      const after = await migrationStatus(url);
      expect(after.pending).toEqual([last]);
      expect(after.unknown).toBe(1);
    } finally {
      await sql.end();
    }
  });
});
