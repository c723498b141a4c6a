import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
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
      'request_budgets',
      'run_records',
      'source_records',
      'stored_file_chunks',
      'stored_files',
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

/** Applies the migrations that come before the one whose tag ends with `suffix`. */
async function migrateBefore(sql: postgres.Sql, suffix: string): Promise<void> {
  const before = await mkdtemp(join(tmpdir(), 'leadsync-migrations-'));
  try {
    const journal = JSON.parse(await readFile(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    const at = journal.entries.findIndex((e) => e.tag.endsWith(suffix));
    expect(at).toBeGreaterThan(0);
    const entries = journal.entries.slice(0, at);
    await mkdir(join(before, 'meta'));
    await writeFile(join(before, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
    for (const e of entries)
      await copyFile(join(migrationsFolder, `${e.tag}.sql`), join(before, `${e.tag}.sql`));
    await migrate(drizzle(sql), { migrationsFolder: before });
  } finally {
    await rm(before, { recursive: true, force: true });
  }
}

describe('the stored files migration', () => {
  it('moves the text of CSV connections made before uploads into stored files the connections name', async () => {
    const empty = await createEmptyDatabase();
    const sql = postgres(empty.url, { max: 1, onnotice: () => {} });
    try {
      await migrateBefore(sql, '_stored_files');

      const [org] = await sql`INSERT INTO organizations (name) VALUES ('Acme') RETURNING id`;
      const text = `email,name\n${Array.from({ length: 40_000 }, (_, i) => `p${i}@example.com,Zoë ${i}`).join('\n')}\n`;
      const [old] = await sql`
        INSERT INTO connections (organization_id, connector_id, name, credentials_encrypted, settings)
        VALUES (${org!.id}, 'csv', 'Old', 'sealed', ${JSON.stringify({ csv: text, fileName: 'fair.csv', delimiter: ',' })}::jsonb)
        RETURNING id`;
      const [zoho] = await sql`
        INSERT INTO connections (organization_id, connector_id, name, credentials_encrypted, settings)
        VALUES (${org!.id}, 'zoho-invoice', 'Zoho', 'sealed', ${JSON.stringify({ dataCenter: 'com' })}::jsonb) RETURNING id`;

      await runMigrations(empty.url);

      const [moved] = await sql`SELECT settings FROM connections WHERE id = ${old!.id}`;
      const settings = moved!.settings as Record<string, unknown>;
      expect(Object.keys(settings).sort()).toEqual(['delimiter', 'fileId', 'fileName']);
      const [file] = await sql`SELECT * FROM stored_files WHERE id = ${settings.fileId as string}`;
      const bytes = Buffer.from(text, 'utf8');
      expect(bytes.length).toBeGreaterThan(1 << 20); // more than one piece
      expect(file).toMatchObject({ organization_id: org!.id, name: 'fair.csv', size: String(bytes.length) });
      expect(file!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(file!.completed_at).not.toBeNull();
      const pieces =
        await sql`SELECT start, data FROM stored_file_chunks WHERE file_id = ${file!.id} ORDER BY start`;
      expect(pieces.map((p) => Number(p.start))).toEqual([0, 1 << 20]);
      expect(Buffer.concat(pieces.map((p) => p.data as Buffer)).equals(bytes)).toBe(true);
      const [untouched] = await sql`SELECT settings FROM connections WHERE id = ${zoho!.id}`;
      expect(untouched!.settings).toEqual({ dataCenter: 'com' });
    } finally {
      await sql.end();
      await empty.drop();
    }
  });
});

describe('the active-records migration', () => {
  it("moves a Zoho connection's activeContactsOnly onto each of its syncs", async () => {
    const empty = await createEmptyDatabase();
    const sql = postgres(empty.url, { max: 1, onnotice: () => {} });
    try {
      await migrateBefore(sql, '_sync_active_records_only');
      const connection = await syncsOfOneOrganization(sql);
      const active = await connection('zoho-invoice', { dataCenter: 'eu', activeContactsOnly: true });
      const all = await connection('zoho-invoice', { dataCenter: 'com', activeContactsOnly: false });
      const unset = await connection('zoho-invoice', { dataCenter: 'com' });

      await runMigrations(empty.url);

      const syncs = await sql`SELECT id, active_records_only FROM syncs`;
      const flag = (id: string) => syncs.find((s) => s.id === id)?.active_records_only;
      expect([flag(active.syncId), flag(all.syncId), flag(unset.syncId)]).toEqual([true, false, false]);
      const connections = await sql`SELECT id, settings FROM connections`;
      const settings = (id: string) => connections.find((c) => c.id === id)?.settings;
      expect(settings(active.connectionId)).toEqual({ dataCenter: 'eu' });
      expect(settings(all.connectionId)).toEqual({ dataCenter: 'com' });
      expect(settings(unset.connectionId)).toEqual({ dataCenter: 'com' });
    } finally {
      await sql.end();
      await empty.drop();
    }
  });
});

describe('the short CSV source ids migration', () => {
  it("rewrites a CSV sync's source and run record ids as the connector now makes them, and no other", async () => {
    const empty = await createEmptyDatabase();
    const sql = postgres(empty.url, { max: 1, onnotice: () => {} });
    try {
      await migrateBefore(sql, '_csv_short_source_ids');
      const connection = await syncsOfOneOrganization(sql);
      const syncOf = async (connectorId: string) => {
        const { organizationId, syncId } = await connection(connectorId, {});
        const [run] = await sql`
          INSERT INTO sync_runs (organization_id, sync_id, trigger, status)
          VALUES (${organizationId}, ${syncId}, 'manual', 'succeeded') RETURNING id`;
        return { organizationId, syncId, runId: run!.id as string };
      };
      const csv = await syncOf('csv');
      const zoho = await syncOf('zoho-invoice');
      // SHA-1("ada@example.com") = 3ca93ad87e0bb737e653b66ad67731e86bbc050f: connector-csv's test names its new id.
      const sha1 = '3ca93ad87e0bb737e653b66ad67731e86bbc050f';
      const old = [`email:${sha1}`, `email:${sha1}#2`, `row:${'f'.repeat(40)}`, 'line:7'];
      for (const { organizationId, syncId, runId } of [csv, zoho]) {
        for (const [seq, id] of old.entries()) {
          await sql`
            INSERT INTO source_records (sync_id, source_id, organization_id)
            VALUES (${syncId}, ${id}, ${organizationId})`;
          await sql`
            INSERT INTO run_records (run_id, organization_id, seq, source_id, outcome)
            VALUES (${runId}, ${organizationId}, ${seq}, ${id}, 'new')`;
        }
      }

      await runMigrations(empty.url);

      const ids = async ({ syncId, runId }: { syncId: string; runId: string }) => ({
        source: (
          await sql`SELECT source_id FROM source_records WHERE sync_id = ${syncId} ORDER BY source_id`
        ).map((r) => r.source_id as string),
        run: (await sql`SELECT source_id FROM run_records WHERE run_id = ${runId} ORDER BY seq`).map(
          (r) => r.source_id as string,
        ),
      });
      const now = ['email:PKk62H4LtzfmU7Zq', 'email:PKk62H4LtzfmU7Zq#2', 'row:________________', 'line:7'];
      expect(await ids(csv)).toEqual({ source: [...now].sort(), run: now });
      expect(await ids(zoho)).toEqual({ source: [...old].sort(), run: old });
    } finally {
      await sql.end();
      await empty.drop();
    }
  });
});

/**
 * An organization with a mailing list, in a database migrated part of the way; returns a maker of a connection of a
 * connector (with its settings) and one sync of it into that list.
 */
async function syncsOfOneOrganization(sql: postgres.Sql) {
  const [org] = await sql`INSERT INTO organizations (name) VALUES ('Acme') RETURNING id`;
  const [list] =
    await sql`INSERT INTO mailing_lists (organization_id, name) VALUES (${org!.id}, 'L') RETURNING id`;
  return async (connectorId: string, settings: Record<string, unknown>) => {
    const [row] = await sql`
      INSERT INTO connections (organization_id, connector_id, name, credentials_encrypted, settings)
      VALUES (${org!.id}, ${connectorId}, 'C', 'sealed', ${JSON.stringify(settings)}::jsonb) RETURNING id`;
    const [sync] = await sql`
      INSERT INTO syncs (organization_id, connection_id, name, source_organization_id, import_mode,
        mailing_list_id, schedule)
      VALUES (${org!.id}, ${row!.id}, 'S', '1', 'all', ${list!.id},
        ${JSON.stringify({ frequency: 'DAILY', time: '06:00', timeZone: 'UTC' })}::jsonb) RETURNING id`;
    return { organizationId: org!.id as string, connectionId: row!.id as string, syncId: sync!.id as string };
  };
}

async function schemaFingerprint(sql: postgres.Sql) {
  return sql`
    SELECT table_name, column_name, data_type, column_default, is_nullable
    FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL
    SELECT tablename, indexname, indexdef, NULL, NULL FROM pg_indexes WHERE schemaname = 'public'
    ORDER BY 1, 2`;
}
