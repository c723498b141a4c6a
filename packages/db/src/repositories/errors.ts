interface PostgresErrorLike {
  code?: unknown;
  constraint_name?: unknown;
  cause?: unknown;
}

/** The PostgreSQL error under drizzle's `DrizzleQueryError` wrapper (or the error itself). */
function postgresError(error: unknown): PostgresErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const candidate = current as PostgresErrorLike;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** True for a unique violation (23505), optionally of one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = postgresError(error);
  return pg?.code === '23505' && (constraint === undefined || pg.constraint_name === constraint);
}

/** True for a foreign key violation (23503): e.g. a sync naming a mailing list of another organization. */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  const pg = postgresError(error);
  return pg?.code === '23503' && (constraint === undefined || pg.constraint_name === constraint);
}

/** True for a deadlock (40P01): PostgreSQL rolled the statement's transaction back to break a cycle of waits. */
export function isDeadlock(error: unknown): boolean {
  return postgresError(error)?.code === '40P01';
}

/**
 * Runs `statement` on `db` again when PostgreSQL made it a deadlock's victim, at most `attempts` times in all: the
 * victim's work was rolled back, so repeating it is safe, and the other transaction, no longer waiting for it, goes
 * on. On a transaction (`db` can roll back) it runs once: a deadlock aborts the enclosing transaction, which cannot
 * go on, so the error is the caller's.
 */
export async function retryOnDeadlock<T>(db: object, statement: () => Promise<T>, attempts = 3): Promise<T> {
  const tries = isTransaction(db) ? 1 : attempts;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await statement();
    } catch (error) {
      if (attempt >= tries || !isDeadlock(error)) throw error;
    }
  }
}

/** A drizzle transaction (it can roll back) rather than the database. */
export function isTransaction(db: object): boolean {
  return typeof (db as { rollback?: unknown }).rollback === 'function';
}
