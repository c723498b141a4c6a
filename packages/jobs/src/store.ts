import { MongoBackend } from '@agendajs/mongo-backend';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { AgendaBackend } from 'agenda';
import { MongoClient } from 'mongodb';
import pg from 'pg';

/** The Agenda job table (PostgreSQL) or collection (MongoDB). */
export const JOBS_TABLE = 'agenda_jobs';

/** Arbitrary, fixed: serialises the job store's schema creation when several processes start at once. */
const SCHEMA_LOCK = 0x1ead6;

export interface JobStoreOptions {
  /** The PostgreSQL database of Leadsync: the job store's home unless `mongodbUrl` is set. */
  databaseUrl: string;
  /** Set: Agenda keeps its jobs in this MongoDB database instead. */
  mongodbUrl?: string;
  /** Connections of the job store's pool (PostgreSQL). */
  poolSize?: number;
  /**
   * Errors of the store's LISTEN connection (a database restart): the channel reconnects by itself and jobs are
   * still found by polling meanwhile, so they are reported here instead of crashing the process.
   */
  onBackgroundError?: (error: unknown) => void;
}

export interface JobStore {
  kind: 'postgres' | 'mongodb';
  /** For `new Agenda({ backend })`, with schema creation switched off (see `ensureSchema`). */
  backend: AgendaBackend;
  /**
   * Creates the tables, indexes and triggers once, under a lock, so processes that start together do not race on
   * `CREATE TABLE` ("duplicate key … pg_class"). Also adds the index that keeps one schedule job per sync.
   */
  ensureSchema(): Promise<void>;
  close(): Promise<void>;
}

export class JobStoreUnavailableError extends Error {
  constructor(kind: string, cause: unknown) {
    super(
      `The job store (${kind}) cannot be reached: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'JobStoreUnavailableError';
  }
}

/**
 * The one place that picks Agenda's backend: MongoDB when a URL is given, else the Leadsync PostgreSQL database.
 * The connection is checked here first: Agenda connects in its constructor and a refused connection there is an
 * unhandled rejection that no `error` listener sees.
 */
export async function openJobStore(options: JobStoreOptions): Promise<JobStore> {
  return options.mongodbUrl ? openMongoStore(options.mongodbUrl) : openPostgresStore(options);
}

async function openPostgresStore(options: JobStoreOptions): Promise<JobStore> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 6,
    application_name: 'leadsync-jobs',
  });
  // A broken idle connection (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new JobStoreUnavailableError('postgres', error);
  }
  const backend = new PostgresBackend({ pool, tableName: JOBS_TABLE, ensureSchema: false });
  // Agenda listens to nothing on this emitter, and an 'error' with no listener throws out of the event loop.
  backend.notificationChannel?.on('error', (error: unknown) => options.onBackgroundError?.(error));
  return {
    kind: 'postgres',
    backend,
    async ensureSchema() {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
        try {
          const creator = new PostgresBackend({
            pool,
            tableName: JOBS_TABLE,
            ensureSchema: true,
            disableNotifications: true,
          });
          await creator.connect();
          // Agenda's `unique()` upsert is a SELECT then an INSERT: this index makes a second schedule job of the
          // same sync impossible even when two processes schedule it at the same moment.
          await client.query(
            `CREATE UNIQUE INDEX IF NOT EXISTS "${JOBS_TABLE}_one_schedule_per_sync"
               ON "${JOBS_TABLE}" ((data->>'syncId')) WHERE data->>'kind' = 'schedule'`,
          );
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function openMongoStore(url: string): Promise<JobStore> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    await client.db().command({ ping: 1 });
  } catch (error) {
    await client.close().catch(() => {});
    throw new JobStoreUnavailableError('mongodb', error);
  }
  const db = client.db();
  return {
    kind: 'mongodb',
    backend: new MongoBackend({ mongo: db, collection: JOBS_TABLE, ensureIndex: false }),
    async ensureSchema() {
      // Index creation is idempotent in MongoDB; no lock is needed.
      await new MongoBackend({ mongo: db, collection: JOBS_TABLE, ensureIndex: true }).connect();
      await db.collection(JOBS_TABLE).createIndex(
        { 'data.syncId': 1 },
        {
          name: 'one_schedule_per_sync',
          unique: true,
          partialFilterExpression: { 'data.kind': 'schedule' },
        },
      );
    },
    close: () => client.close(),
  };
}
