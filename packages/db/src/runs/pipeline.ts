import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import type { Database } from '../client.ts';

/**
 * A statement of this package's run functions (unit lookups and writes), sent with `sendPrepared` or on a `Pipeline`.
 * Callers hold it as it is: they neither build nor read SQL.
 */
export type Statement = SQL;

/**
 * One array parameter, typed in SQL as `text[]`. postgres.js infers an array's element type from its values, which
 * fails for booleans and numbers; every array goes over as text and is cast in the statement instead.
 */
export function textArray(values: readonly (string | null)[]): SQL {
  return sql`${sql.param(values)}::text[]`;
}

const dialect = new PgDialect();

/** Runs one raw statement on any connection of the pool, as a named prepared statement (see pipelinedTransaction). */
export function sendPrepared<T extends object = Record<string, unknown>>(
  db: Database,
  query: SQL,
): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return clientOf(db)
    .unsafe(text, params as never[], { prepare: true })
    .execute() as unknown as Promise<T[]>;
}

function clientOf(db: Database): Sql {
  // `Database` is drizzle over postgres.js; drizzle keeps the client as `$client` (its type leaves it out).
  const client = (db as Database & { $client?: Sql }).$client;
  if (!client) throw new Error('pipelined statements need a drizzle database over postgres.js');
  return client;
}

/** Statements of a pipelined transaction: each goes out at once, behind the ones before; the server runs them in order. */
export interface Pipeline {
  /** Sends a statement without waiting for the answers to the ones before; resolves to its rows. */
  send<T extends object = Record<string, unknown>>(query: Statement): Promise<T[]>;
}

/**
 * A transaction (postgres.js `begin`) whose statements are pipelined: each is sent without waiting for the answers to
 * the ones before, and COMMIT goes out right behind the last one `fn` sends. `fn` awaits only the answers it needs.
 * A statement that failed has aborted the transaction, so the server answers that COMMIT with a rollback: every
 * statement's answer is checked after the commit, and the first failure is thrown. Round trips: BEGIN, one per
 * answer `fn` awaits, and the last flight with COMMIT. A connection lost midway rejects at once (postgres.js).
 *
 * Statements are raw SQL (as with `tx.execute`): rows come back as postgres.js returns them. They are prepared
 * (named, per connection): an unprepared statement with parameters costs postgres.js a describe round trip first.
 */
export async function pipelinedTransaction<T>(
  db: Database,
  fn: (pipeline: Pipeline) => Promise<T>,
): Promise<T> {
  const client = clientOf(db);
  const sent: Promise<unknown>[] = [];
  const result = await client.begin(async (tx) => {
    const send = <R extends object>(query: SQL): Promise<R[]> => {
      const { sql: text, params } = dialect.sqlToQuery(query);
      const pending = tx.unsafe(text, params as never[], { prepare: true }).execute() as unknown as Promise<
        R[]
      >;
      sent.push(pending);
      // Whoever needs the answer awaits `pending`; a statement nobody waits for (the transaction failed before its
      // answers were checked) must not surface as an unhandled rejection.
      pending.catch(() => {});
      return pending;
    };
    return fn({ send });
  });
  // Every answer has arrived (COMMIT's came last); one failure means the server rolled the transaction back.
  await Promise.all(sent);
  return result as T;
}
