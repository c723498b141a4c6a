import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { type Connection, connections } from '../schema/connections.ts';
import { organizations } from '../schema/organizations.ts';
import { type Sync, syncs } from '../schema/syncs.ts';
import { isUuid } from './ids.ts';

/*
 * Cross-tenant queries: what the operator sees (the CLI, `/metrics`), every organization at once. No tenant reaches
 * them: the API's resolvers use the tenant-scoped repositories only. Each name says "AcrossOrganizations"; a run by
 * its id alone is `findRunAnyOrganization` (`src/runs/lifecycle.ts`, the worker's and the CLI's).
 */

const sameOrganizationConnection = and(
  eq(connections.organizationId, syncs.organizationId),
  eq(connections.id, syncs.connectionId),
);

/** A sync by id alone (with `organizationId`: only if it belongs there), its connection and organization's name. */
export async function findSyncAcrossOrganizations(
  db: Database,
  syncId: string,
  organizationId?: string,
): Promise<{ sync: Sync; connection: Connection; organizationName: string } | undefined> {
  if (!isUuid(syncId) || (organizationId !== undefined && !isUuid(organizationId))) return undefined;
  const [row] = await db
    .select({ sync: syncs, connection: connections, organizationName: organizations.name })
    .from(syncs)
    .innerJoin(connections, sameOrganizationConnection)
    .innerJoin(organizations, eq(organizations.id, syncs.organizationId))
    .where(and(eq(syncs.id, syncId), organizationId ? eq(syncs.organizationId, organizationId) : undefined));
  return row;
}

export async function findConnectionAcrossOrganizations(
  db: Database,
  connectionId: string,
): Promise<Connection | undefined> {
  if (!isUuid(connectionId)) return undefined;
  const [connection] = await db.select().from(connections).where(eq(connections.id, connectionId));
  return connection;
}

/** Every stored connection with its organization's name, by organization and name. */
export function listConnectionsAcrossOrganizations(
  db: Database,
): Promise<{ connection: Connection; organizationName: string }[]> {
  return db
    .select({ connection: connections, organizationName: organizations.name })
    .from(connections)
    .innerJoin(organizations, eq(organizations.id, connections.organizationId))
    .orderBy(asc(organizations.name), asc(connections.name), asc(connections.id));
}

export interface SyncListEntry {
  id: string;
  name: string;
  connector: string;
  status: string;
  inactiveReason: string | null;
  nextRunAt: Date | null;
  organization: string;
}

/** Every sync (or one organization's), by organization and name. */
export function listSyncsAcrossOrganizations(
  db: Database,
  organizationId?: string,
): Promise<SyncListEntry[]> {
  return db
    .select({
      id: syncs.id,
      name: syncs.name,
      connector: connections.connectorId,
      status: syncs.status,
      inactiveReason: syncs.inactiveReason,
      nextRunAt: syncs.nextRunAt,
      organization: organizations.name,
    })
    .from(syncs)
    .innerJoin(connections, sameOrganizationConnection)
    .innerJoin(organizations, eq(organizations.id, syncs.organizationId))
    .where(organizationId ? eq(syncs.organizationId, organizationId) : undefined)
    .orderBy(asc(organizations.name), asc(syncs.name), asc(syncs.id));
}

/** Up to `limit` organization ids, oldest first (the CLI takes the only one when there is one). */
export async function listOrganizationIds(db: Database, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: organizations.id })
    .from(organizations)
    .orderBy(asc(organizations.createdAt), asc(organizations.id))
    .limit(limit);
  return rows.map((row) => row.id);
}

/** Per run status (previews excluded): the number of runs and the sum of each counter. */
export interface RunTotals extends Record<string, unknown> {
  status: string;
  runs: number;
  new_leads: number;
  re_added: number;
  duplicate: number;
  ignored: number;
  deleted: number;
  bounced: number;
  do_not_mail: number;
  group_email: number;
  file_duplicate: number;
  empty_email: number;
  invalid_pattern: number;
}

export function runTotalsAcrossOrganizations(db: Database): Promise<RunTotals[]> {
  return db.execute<RunTotals>(sql`
    SELECT status::text AS status, count(*)::int AS runs,
      sum(new_leads)::bigint AS new_leads, sum(re_added)::bigint AS re_added, sum(duplicate)::bigint AS duplicate,
      sum(ignored)::bigint AS ignored, sum(deleted)::bigint AS deleted, sum(bounced)::bigint AS bounced,
      sum(do_not_mail)::bigint AS do_not_mail, sum(group_email)::bigint AS group_email,
      sum(file_duplicate)::bigint AS file_duplicate, sum(empty_email)::bigint AS empty_email,
      sum(invalid_pattern)::bigint AS invalid_pattern
    FROM sync_runs WHERE NOT dry_run GROUP BY status ORDER BY status`);
}

/** Finished real runs' durations: count, sum (seconds) and how many took at most each bound (histogram buckets). */
export async function runDurationsAcrossOrganizations(
  db: Database,
  boundsSeconds: readonly number[],
): Promise<{ count: number; sum: number; atMost: number[] }> {
  const columns = boundsSeconds.map((bound, index) =>
    sql.raw(`count(*) FILTER (WHERE seconds <= ${Number(bound)})::int AS "b${index}"`),
  );
  const [row] = await db.execute<Record<string, number>>(sql`
    WITH finished AS (
      SELECT extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM sync_runs
      WHERE NOT dry_run AND finished_at IS NOT NULL AND started_at IS NOT NULL
    )
    SELECT count(*)::int AS count, coalesce(sum(seconds), 0)::float8 AS sum, ${sql.join(columns, sql`, `)}
    FROM finished`);
  return {
    count: Number(row?.count ?? 0),
    sum: Number(row?.sum ?? 0),
    atMost: boundsSeconds.map((_, index) => Number(row?.[`b${index}`] ?? 0)),
  };
}

export function leadCountsAcrossOrganizations(db: Database): Promise<{ status: string; leads: number }[]> {
  return db.execute<{ status: string; leads: number }>(
    sql`SELECT status::text AS status, count(*)::int AS leads FROM leads GROUP BY status ORDER BY status`,
  );
}
