import type { Executor } from '../client.ts';

/**
 * Statements built once per executor (issue 22). drizzle builds a query's SQL text anew on every call (walking its
 * chunks with `is()` checks: a tenth of the API's CPU for the `syncs` query) and sends it unprepared; a query built
 * with `.prepare(name)` and `sql.placeholder(...)` keeps its text and is a named statement in postgres.js, parsed
 * once per connection. The organization is a placeholder like any other parameter, so org scoping is unchanged.
 *
 * Keyed by the executor: the database's statements live as long as it does; a transaction gets its own (built on
 * first use in it, dropped with it), so a repository on a transaction never runs a statement outside it.
 */
const statements = new WeakMap<Executor, Map<string, unknown>>();

export function prepared<T>(db: Executor, name: string, build: (db: Executor) => T): T {
  let byName = statements.get(db);
  if (!byName) {
    byName = new Map();
    statements.set(db, byName);
  }
  let statement = byName.get(name) as T | undefined;
  if (statement === undefined) {
    statement = build(db);
    byName.set(name, statement);
  }
  return statement;
}
