import type { Database } from '@leadsync/db';
import * as schema from '@leadsync/db/schema';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

/** A database handle like `createDatabase`'s that counts the statements sent, to prove there is no N+1. */
export function createCountingDatabase(url: string, max = 6) {
  const counter = { queries: 0 };
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    debug: (_connection, query) => {
      // postgres.js looks up array types once per connection: not a query of ours.
      if (query.includes('pg_catalog.pg_type')) return;
      counter.queries += 1;
    },
  });
  const db: Database = drizzle({ client: sql, schema, casing: 'snake_case' });
  return { db, counter, close: () => sql.end({ timeout: 5 }) };
}
