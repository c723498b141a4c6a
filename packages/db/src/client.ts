import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;

/** drizzle over postgres.js, with the whole schema and snake_case column names. */
export type Database = PostgresJsDatabase<Schema>;

/** A transaction opened with `db.transaction(...)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Where a repository runs its queries: the database, or a transaction so several repositories commit together. */
export type Executor = Database | Transaction;

export interface CreateDatabaseOptions {
  /** Pool size (postgres.js `max`); default 10. */
  max?: number;
  /** Shown in `pg_stat_activity`. */
  applicationName?: string;
  /** Seconds before an idle connection is closed; default postgres.js's (never). */
  idleTimeout?: number;
  onNotice?: (notice: postgres.Notice) => void;
}

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export function createDatabase(url: string, options: CreateDatabaseOptions = {}): DatabaseHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    idle_timeout: options.idleTimeout,
    onnotice: options.onNotice ?? (() => {}),
    connection: {
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
      // Leadsync's statements are short: the planner's estimates for `unnest` arrays and CTEs run high, and past
      // jit_above_cost PostgreSQL spent more compiling a unit's write (up to ~470 ms) than running it.
      jit: 'off',
    },
  });
  const db = drizzle({ client: sql, schema, casing: 'snake_case' });
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}
