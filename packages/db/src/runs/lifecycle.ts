import { and, eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Database, Transaction } from '../client.ts';
import { isUuid } from '../repositories/ids.ts';
import { takeLeadWriteTurn } from '../repositories/write-turns.ts';
import { type Connection, connections } from '../schema/connections.ts';
import { type RunStatus, type SyncRun, syncRuns } from '../schema/runs.ts';
import { type Sync, syncs } from '../schema/syncs.ts';
import {
  applyDeletions,
  type DeletionGuard,
  type IdListing,
  writeListedIds,
  writeListedIdsExceptDeleted,
} from './deletions.ts';
import type { RunTarget } from './unit-write.ts';

/**
 * A run's states in the database, from queued to its end (DESIGN.md §2): the engine's run lifecycle calls these, and
 * each is one statement or one transaction. Tenant-scoped by the organization, except `findRunAnyOrganization`.
 */

/**
 * Writes in the transaction of a run's end or of a connection's change (the webhook outbox): the ids of the
 * deliveries queued, told once it has committed.
 */
export type OutboxWrite<T> = (tx: Transaction, row: T) => Promise<string[]>;

/** The mass-deletion guard of a sync that has none stored (the column's default). */
export const DEFAULT_DELETION_GUARD_PERCENT = 50;

/**
 * A run by its id alone, whatever its organization: cross-tenant, for a worker's job or the CLI, which hold a run id
 * and learn the organization from the run. Undefined for an id that is not a UUID.
 */
export async function findRunAnyOrganization(db: Database, runId: string): Promise<SyncRun | undefined> {
  if (!isUuid(runId)) return undefined;
  const [run] = await db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  return run;
}

/** The sync of a run and its connection; undefined when either is gone. */
export async function findSyncWithConnection(
  db: Database,
  organizationId: string,
  syncId: string,
): Promise<{ sync: Sync; connection: Connection } | undefined> {
  const [sync] = await db
    .select()
    .from(syncs)
    .where(and(eq(syncs.organizationId, organizationId), eq(syncs.id, syncId)));
  if (!sync) return undefined;
  const [connection] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.organizationId, organizationId), eq(connections.id, sync.connectionId)));
  return connection && { sync, connection };
}

/** Moves a run that is `from` with `values`; undefined when it is not `from` any more (another process moved it). */
async function moveRun(
  db: Database,
  organizationId: string,
  runId: string,
  from: RunStatus,
  values: PgUpdateSetSource<typeof syncRuns>,
): Promise<SyncRun | undefined> {
  const [moved] = await db
    .update(syncRuns)
    .set(values)
    .where(
      and(eq(syncRuns.organizationId, organizationId), eq(syncRuns.id, runId), eq(syncRuns.status, from)),
    )
    .returning();
  return moved;
}

/** A `waiting` run goes on (`running`), its wait cleared; undefined when it was not waiting any more. */
export function resumeWaitingRun(
  db: Database,
  organizationId: string,
  runId: string,
): Promise<SyncRun | undefined> {
  return moveRun(db, organizationId, runId, 'waiting', { status: 'running', ...waitColumns(null) });
}

/** A run's wait for the source's quota as columns: until when and why, or cleared (null) when it goes on. */
function waitColumns(wait: { until: Date; reason: string } | null) {
  return { waitingUntil: wait?.until ?? null, waitingReason: wait?.reason ?? null };
}

/** The run is `running` from `checkpoint` (its start time kept when it had one); undefined when `from` is stale. */
export function startRun(
  db: Database,
  organizationId: string,
  runId: string,
  from: RunStatus,
  checkpoint: Record<string, unknown>,
): Promise<SyncRun | undefined> {
  return moveRun(db, organizationId, runId, from, {
    status: 'running',
    startedAt: sql`coalesce(${syncRuns.startedAt}, now())`,
    checkpoint,
  });
}

export async function setRunCheckpoint(
  db: Database,
  organizationId: string,
  runId: string,
  checkpoint: Record<string, unknown>,
): Promise<void> {
  await db
    .update(syncRuns)
    .set({ checkpoint })
    .where(and(eq(syncRuns.organizationId, organizationId), eq(syncRuns.id, runId)));
}

/** A running run waits for the source's quota until `until`; undefined when it was not running any more. */
export function markRunWaiting(
  db: Database,
  organizationId: string,
  runId: string,
  until: Date,
  reason: string,
): Promise<SyncRun | undefined> {
  return moveRun(db, organizationId, runId, 'running', {
    status: 'waiting',
    ...waitColumns({ until, reason }),
  });
}

/** A run that had not ended fails with `message` (user-safe), its event written with it. */
export async function failRun(
  db: Database,
  organizationId: string,
  runId: string,
  message: string,
  outbox: OutboxWrite<SyncRun>,
): Promise<{ row: SyncRun | undefined; deliveryIds: string[] }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(syncRuns)
      .set({ status: 'failed', finishedAt: sql`now()`, error: message })
      .where(
        and(
          eq(syncRuns.organizationId, organizationId),
          eq(syncRuns.id, runId),
          sql`${syncRuns.status} in ('queued', 'running', 'waiting')`,
        ),
      )
      .returning();
    return { row, deliveryIds: row ? await outbox(tx, row) : [] };
  });
}

export interface FinishRun {
  /**
   * Every id the source lists, when the run looks for deletions: read before (a listing that costs requests: no
   * transaction is held open while a rate-limited source lists) or as it is written into the transaction.
   */
  listing: IdListing | undefined;
  /**
   * Instead of a listing: the ids the connector's deletions feed reported (`listDeletedIds`). They are deleted like
   * ids a listing misses; reading the feed does not date the sync's last full listing (`deletionsCheckedAt`).
   */
  feed?: readonly string[];
  /** What the run tells of the deletion check (`deletionsChecked`); `checked` also dates the sync's last one. */
  deletionsChecked: boolean | null;
  checkpoint: Record<string, unknown>;
}

/**
 * The end of a run that read everything, in one transaction holding the organization's lead-write turn: the
 * deletions of the listed ids (with the mass-deletion guard, read here so that a confirmation given while the run
 * read is used by it), the sync's high-water mark (unless a re-read was asked for since the run started), and the
 * run `succeeded`, its event written with it.
 */
export async function finishRun(
  db: Database,
  target: RunTarget,
  finish: FinishRun,
  outbox: OutboxWrite<SyncRun>,
): Promise<{ row: SyncRun | undefined; deliveryIds: string[] }> {
  const { organizationId, syncId, runId, dryRun } = target;
  return db.transaction(async (tx) => {
    const fed = !finish.listing && finish.feed !== undefined && finish.feed.length > 0;
    if (finish.listing) await writeListedIds(tx, finish.listing);
    else if (fed && finish.feed) await writeListedIdsExceptDeleted(tx, target, finish.feed);
    if (!dryRun) await tx.execute(takeLeadWriteTurn(organizationId));
    const [current] = await tx
      .select({ processedCount: syncRuns.processedCount, highWaterMark: syncRuns.highWaterMark })
      .from(syncRuns)
      .where(and(eq(syncRuns.organizationId, organizationId), eq(syncRuns.id, runId)));
    const thisSync = and(eq(syncs.organizationId, organizationId), eq(syncs.id, syncId));
    if (finish.listing || fed) {
      const [stored] = await tx
        .select({ percent: syncs.deletionGuardPercent, confirmedAt: syncs.deletionsConfirmedAt })
        .from(syncs)
        .where(thisSync)
        .for('update');
      const guard: DeletionGuard = {
        percent: stored?.percent ?? DEFAULT_DELETION_GUARD_PERCENT,
        confirmed: stored?.confirmedAt != null,
      };
      await applyDeletions(tx, target, current?.processedCount ?? 0, guard);
      if (guard.confirmed && !dryRun)
        await tx.update(syncs).set({ deletionsConfirmedAt: null }).where(thisSync);
    }
    if (!dryRun && finish.deletionsChecked && finish.feed === undefined) {
      await tx.update(syncs).set({ deletionsCheckedAt: sql`now()` }).where(thisSync);
    }
    if (!dryRun && current?.highWaterMark) {
      // A change of criteria, mapping or window saved while this run read asked for a whole re-read: the
      // high-water mark stays cleared for the next run.
      await tx
        .update(syncs)
        .set({
          highWaterMark: sql`case when ${syncs.rereadRequestedAt} is null
              or ${syncs.rereadRequestedAt} < (select ${syncRuns.startedAt} from ${syncRuns} where ${syncRuns.id} = ${runId})
              then greatest(${syncs.highWaterMark}, ${current.highWaterMark.toISOString()}::timestamptz)
              else ${syncs.highWaterMark} end`,
        })
        .where(thisSync);
    }
    const [row] = await tx
      .update(syncRuns)
      .set({
        status: 'succeeded',
        finishedAt: sql`now()`,
        checkpoint: finish.checkpoint,
        deletionsChecked: finish.deletionsChecked,
      })
      .where(
        and(
          eq(syncRuns.organizationId, organizationId),
          eq(syncRuns.id, runId),
          eq(syncRuns.status, 'running'),
        ),
      )
      .returning();
    return { row, deliveryIds: row ? await outbox(tx, row) : [] };
  });
}

/**
 * Inserts a `queued` run of the sync; when the sync has a real run queued, running or waiting already, that one is
 * returned instead (previews are never refused). Undefined when the sync is not the organization's.
 */
export async function queueSyncRun(
  db: Database,
  organizationId: string,
  syncId: string,
  run: { trigger: SyncRun['trigger']; dryRun: boolean },
): Promise<SyncRun | undefined> {
  if (!isUuid(syncId)) return undefined;
  const [sync] = await db
    .select({ id: syncs.id })
    .from(syncs)
    .where(and(eq(syncs.organizationId, organizationId), eq(syncs.id, syncId)));
  if (!sync) return undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [queued] = await db
      .insert(syncRuns)
      .values({ organizationId, syncId, trigger: run.trigger, dryRun: run.dryRun, status: 'queued' })
      .onConflictDoNothing()
      .returning();
    if (queued) return queued;
    const [active] = await db
      .select()
      .from(syncRuns)
      .where(
        and(
          eq(syncRuns.organizationId, organizationId),
          eq(syncRuns.syncId, syncId),
          eq(syncRuns.dryRun, false),
          sql`${syncRuns.status} in ('queued', 'running', 'waiting')`,
        ),
      );
    if (active) return active;
  }
  throw new Error('Could not queue a run: another run of the sync keeps starting');
}
