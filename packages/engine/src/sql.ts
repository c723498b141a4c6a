import { type SQL, sql } from 'drizzle-orm';

/**
 * One array parameter, typed in SQL as `text[]`. postgres.js infers an array's element type from its values, which
 * fails for booleans and numbers; every array goes over as text and is cast in the statement instead.
 */
export function textArray(values: readonly (string | null)[]): SQL {
  return sql`${sql.param(values)}::text[]`;
}

/** A transaction-scoped lock per organization: page writes, deletions and undo of one organization take turns. */
export function lockOrganization(organizationId: string): SQL {
  return sql`select pg_advisory_xact_lock(hashtextextended(${organizationId}, 7101))`;
}
