import { type SQL, sql } from 'drizzle-orm';
import type postgres from 'postgres';

/**
 * The organization's lead-write turn: every transaction that changes an organization's leads (the engine's units,
 * deletions and undo; status changes such as bounces) takes it first. It locks the organization's row until commit,
 * so such writers take turns, and counts the turns in `organizations.lead_writes`. One row: `lead_writes`, the turns
 * taken so far, this one included. The engine looks a unit up while the one before is written and trusts that lookup
 * only when its own turn is the next one.
 */
export function takeLeadWriteTurn(organizationId: string): SQL {
  return sql`update organizations set lead_writes = lead_writes + 1 where id = ${organizationId} returning lead_writes`;
}

/** The lead-write turns taken so far, without taking one. One row: `lead_writes`. */
export function leadWriteTurns(organizationId: string): SQL {
  return sql`select lead_writes from organizations where id = ${organizationId}`;
}

/** SQLSTATE of `takePlannedLeadWriteTurn` when another writer took a turn since the write was planned. */
export const LEAD_WRITE_TURN_MOVED = 'LS001';

/**
 * Takes the organization's lead-write turn only if it is `expected` (migration 0010): for a write planned against
 * the turns counted so far, sent before the writer ahead of it commits. Otherwise the statement fails with
 * `LEAD_WRITE_TURN_MOVED`, aborting its transaction. One row: `lead_writes`.
 */
export function takePlannedLeadWriteTurn(organizationId: string, expected: number): SQL {
  return sql`select leadsync_take_planned_lead_write_turn(${organizationId}::uuid, ${expected}::bigint) as lead_writes`;
}

/** Whether `error` (postgres.js's, or drizzle's wrapping it as `cause`) is `LEAD_WRITE_TURN_MOVED`. */
export function isLeadWriteTurnMoved(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.code === LEAD_WRITE_TURN_MOVED || e?.cause?.code === LEAD_WRITE_TURN_MOVED;
}

/**
 * The key of a sync's run lock: the PostgreSQL advisory lock (`hashtextextended(key, 0)`) that a worker or the CLI
 * holds, on a session of its own, while it executes a real run of the sync (`withSessionLock`: @leadsync/jobs,
 * apps/cli `sync run`). Undo takes it too, so that a run and an undo of one sync never overlap.
 */
export function syncLockKey(syncId: string): string {
  return `leadsync.sync:${syncId}`;
}

/**
 * Takes the sync's run lock until the end of the transaction if nobody holds it. One row: `locked`. Take it before
 * the organization's lead-write turn (the order a run takes them in).
 */
export function tryTakeSyncLockForTransaction(syncId: string): SQL {
  return sql`select pg_try_advisory_xact_lock(hashtextextended(${syncLockKey(syncId)}, 0)) as locked`;
}

/** The key of a preview's lock: previews write nothing and only exclude themselves. */
export function runLockKey(runId: string): string {
  return `leadsync.run:${runId}`;
}

/**
 * Holds the session advisory lock `key` (`syncLockKey`, `runLockKey`) on a connection reserved from `sql` while
 * `body` runs; `{ locked: false }` without running it when another session holds it. A killed process's session
 * ends and releases the lock with it.
 */
export async function withSessionLock<T>(
  sql: postgres.Sql,
  key: string,
  body: () => Promise<T>,
): Promise<{ locked: true; value: T } | { locked: false }> {
  const session = await sql.reserve();
  try {
    const [row] = await session<{ locked: boolean }[]>`
      SELECT pg_try_advisory_lock(hashtextextended(${key}, 0)) AS locked`;
    if (!row?.locked) return { locked: false };
    try {
      return { locked: true, value: await body() };
    } finally {
      // A failed unlock means the session is gone, and the lock with it.
      await session`SELECT pg_advisory_unlock(hashtextextended(${key}, 0))`.catch(() => {});
    }
  } finally {
    session.release();
  }
}
