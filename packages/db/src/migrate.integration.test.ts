import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrationsFolder, runMigrations } from './migrate.ts';

/** A brand-new, empty database (not cloned from the migrated template). */
async function createEmptyDatabase() {
  const { adminUrl } = inject('testDatabase');
  const name = `leadsync_empty_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

describe('migrations', () => {
  let empty: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let sql: postgres.Sql;

  beforeAll(async () => {
    empty = await createEmptyDatabase();
    sql = postgres(empty.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql.end();
    await empty.drop();
  });

  it('replay every migration into an empty database and create every table', async () => {
    const before = await sql`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`;
    expect(before[0]?.n).toBe(0);

    await runMigrations(empty.url);

    const tables = await sql<{ tablename: string }[]>`
      SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
    expect(tables.map((t) => t.tablename)).toEqual([
      'api_keys',
      'connections',
      'lead_events',
      'leads',
      'list_memberships',
      'mailing_lists',
      'organizations',
      'run_records',
      'source_records',
      'sync_runs',
      'syncs',
      'webhook_deliveries',
      'webhooks',
    ]);
    const sqlFiles = (await readdir(migrationsFolder)).filter((f) => f.endsWith('.sql'));
    const applied = await sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`;
    expect(applied[0]?.n).toBe(sqlFiles.length);
  });

  it('are a no-op when run again, as on every restart', async () => {
    const schemaBefore = await schemaFingerprint(sql);
    const appliedBefore = await sql`SELECT id, hash FROM drizzle.__drizzle_migrations ORDER BY id`;

    await runMigrations(empty.url);
    await Promise.all([runMigrations(empty.url), runMigrations(empty.url)]);

    expect(await sql`SELECT id, hash FROM drizzle.__drizzle_migrations ORDER BY id`).toEqual(appliedBefore);
    expect(await schemaFingerprint(sql)).toEqual(schemaBefore);
  });
});

async function schemaFingerprint(sql: postgres.Sql) {
  return sql`
    SELECT table_name, column_name, data_type, column_default, is_nullable
    FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL
    SELECT tablename, indexname, indexdef, NULL, NULL FROM pg_indexes WHERE schemaname = 'public'
    ORDER BY 1, 2`;
}
