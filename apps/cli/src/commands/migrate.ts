import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationsFolder, runMigrations } from '@leadsync/db';
import postgres from 'postgres';
import { type Writer, writeLine } from '../format.ts';

export interface MigrationStatus {
  /** Migration files shipped with this Leadsync, in order (drizzle-kit tags such as `0002_run_records_…`). */
  files: string[];
  applied: string[];
  pending: string[];
  /** Migrations recorded in the database that this Leadsync does not have (the database is newer than the code). */
  unknown: number;
}

interface JournalEntry {
  tag: string;
  when: number;
}

async function journal(): Promise<JournalEntry[]> {
  const text = await readFile(join(migrationsFolder, 'meta', '_journal.json'), 'utf8');
  return (JSON.parse(text) as { entries: JournalEntry[] }).entries;
}

/**
 * Compares the migration files with drizzle's ledger (`drizzle.__drizzle_migrations`, one row per applied file with
 * the file's journal time as `created_at`), read-only.
 */
export async function migrationStatus(databaseUrl: string): Promise<MigrationStatus> {
  const entries = await journal();
  const sql = postgres(databaseUrl, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    const [ledger] = await sql<{ present: boolean }[]>`
      SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`;
    const rows = ledger?.present
      ? await sql<{ created_at: string }[]>`SELECT created_at::text FROM drizzle.__drizzle_migrations`
      : [];
    const appliedTimes = new Set(rows.map((row) => Number(row.created_at)));
    const fileTimes = new Set(entries.map((entry) => entry.when));
    return {
      files: entries.map((entry) => entry.tag),
      applied: entries.filter((entry) => appliedTimes.has(entry.when)).map((entry) => entry.tag),
      pending: entries.filter((entry) => !appliedTimes.has(entry.when)).map((entry) => entry.tag),
      unknown: [...appliedTimes].filter((time) => !fileTimes.has(time)).length,
    };
  } finally {
    await sql.end();
  }
}

export interface MigrateDeps {
  databaseUrl: string;
  /** Prepares the job store's tables and indexes (Agenda on PostgreSQL, or MongoDB); absent: left to the worker. */
  prepareJobStore?: () => Promise<string>;
}

export interface MigrateResult {
  applied: string[];
  status: MigrationStatus;
  jobStore?: string;
}

/** `leadsync migrate`: applies the pending migrations (serialised with any server starting at the same time). */
export async function migrate(deps: MigrateDeps, out: Writer): Promise<MigrateResult> {
  const before = await migrationStatus(deps.databaseUrl);
  await runMigrations(deps.databaseUrl);
  const status = await migrationStatus(deps.databaseUrl);
  const applied = before.pending.filter((tag) => status.applied.includes(tag));
  if (applied.length === 0) {
    writeLine(out, `Database schema is up to date (${status.applied.length} migrations applied).`);
  } else {
    writeLine(out, `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}:`);
    for (const tag of applied) writeLine(out, `  ${tag}`);
    writeLine(out, `Database schema is up to date (${status.applied.length} migrations applied).`);
  }
  if (status.unknown > 0) {
    writeLine(
      out,
      `Note: the database has ${status.unknown} migration(s) this Leadsync does not know; it is newer than this code.`,
    );
  }
  let jobStore: string | undefined;
  if (deps.prepareJobStore) {
    jobStore = await deps.prepareJobStore();
    writeLine(out, `Job store ready: ${jobStore}.`);
  }
  return { applied, status, jobStore };
}

/** Creates the job store's schema through the worker's own code, so it matches what the workers expect. */
export async function prepareJobStore(databaseUrl: string, mongodbUrl: string | undefined): Promise<string> {
  const { JOBS_TABLE, openJobStore } = await import('@leadsync/jobs');
  const store = await openJobStore({ databaseUrl, mongodbUrl, poolSize: 2 });
  try {
    await store.ensureSchema();
  } finally {
    await store.close();
  }
  return store.kind === 'mongodb'
    ? `MongoDB collection ${JOBS_TABLE} and its indexes`
    : `PostgreSQL table ${JOBS_TABLE} and its indexes`;
}
