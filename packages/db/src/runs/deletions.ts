import { sql } from 'drizzle-orm';
import type { Database, Transaction } from '../client.ts';
import { textArray } from './pipeline.ts';
import type { RunTarget } from './unit-write.ts';

const CHUNK = 20_000;

/**
 * Whether any live source record of the sync could be gone: one this run did not see. When every record the sync
 * tracks was just read, nothing can be missing, and the full id listing (costly at a rate-limited source) is skipped.
 *
 * Only a real run writes a sync's source records (undo puts back those of the run it undoes), so on the sync's first
 * real run every record is this run's: the answer is no without walking them. The walk goes through the primary key
 * in id order, a random read of the table per record for random ids (a file's hashed ids: 7.7 s of a first run of a
 * million rows), and a run finds a candidate at once unless there is none.
 */
export async function hasDeletionCandidates(db: Database, scope: RunTarget): Promise<boolean> {
  const [row] = await db.execute<{ any: boolean }>(sql`
    select exists (
      select 1 from sync_runs
      where sync_id = ${scope.syncId} and organization_id = ${scope.organizationId} and id <> ${scope.runId}
        and not dry_run and started_at is not null
    ) and exists (
      select 1 from source_records
      where sync_id = ${scope.syncId} and organization_id = ${scope.organizationId} and deleted_at is null
        and lead_id is not null and last_seen_run_id is distinct from ${scope.runId}
    ) as any`);
  return row?.any ?? false;
}

/** The sync's live source records: what a full listing of the source's ids pages through. */
export async function countLiveSourceRecords(
  db: Database,
  scope: Pick<RunTarget, 'organizationId' | 'syncId'>,
): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from source_records
    where sync_id = ${scope.syncId} and organization_id = ${scope.organizationId} and deleted_at is null`);
  return row?.n ?? 0;
}

/**
 * Since when the sync knows every deletion at the source: the start of its last successful real run that looked for
 * deletions (a full listing, a deletions feed, or nothing missing) and held none back. A connector's deletions feed
 * is read from here (the feed's high-water mark); undefined: never, the full listing is needed.
 */
export async function deletionsKnownSince(db: Database, scope: RunTarget): Promise<Date | undefined> {
  const [row] = await db.execute<{ at: Date | string | null }>(sql`
    select max(started_at) as at from sync_runs
    where sync_id = ${scope.syncId} and organization_id = ${scope.organizationId} and status = 'succeeded'
      and not dry_run and deletions_checked and held_deletions = 0`);
  return row?.at ? new Date(row.at) : undefined;
}

/** The mass-deletion guard of a sync, read in the run's final transaction. */
export interface DeletionGuard {
  /** Share of the sync's live source records (percent) that one listing may delete; more is held back. */
  percent: number;
  /** A person confirmed held deletions: this listing deletes whatever it finds. */
  confirmed: boolean;
}

export interface DeletionResult {
  deleted: number;
  /** Deletions held back by the guard (nothing deleted, the run warns). */
  held: number;
}

/**
 * The source's id listing, written into a temporary table of the caller's transaction (`listed_ids`, dropped at
 * commit) as it comes, CHUNK ids at a time: the caller holds one chunk, not the listing (a file of a million rows
 * lists a million ids). `close` flushes the last chunk; applyDeletions reads the table.
 */
async function listedIdsTable(
  tx: Transaction,
): Promise<{ add(ids: readonly string[]): Promise<void>; close(): Promise<void> }> {
  await tx.execute(sql`create temporary table listed_ids (source_id text primary key) on commit drop`);
  let pending: string[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const chunk = pending;
    pending = [];
    await tx.execute(sql`insert into listed_ids select unnest(${textArray(chunk)}) on conflict do nothing`);
  };
  return {
    async add(ids) {
      for (const id of ids) pending.push(id);
      if (pending.length >= CHUNK) await flush();
    },
    async close() {
      await flush();
      await tx.execute(sql`analyze listed_ids`);
    },
  };
}

/** Every id the source lists, in chunks: read whole before the transaction, or read as it is written. */
export type IdListing = Iterable<readonly string[]> | AsyncIterable<readonly string[]>;

/** Writes `listing` into the transaction's `listed_ids` table (see listedIdsTable), for applyDeletions. */
export async function writeListedIds(tx: Transaction, listing: IdListing): Promise<void> {
  const table = await listedIdsTable(tx);
  for await (const ids of listing) await table.add(ids);
  await table.close();
}

/**
 * The listing a deletions feed stands for, in the transaction's `listed_ids` table: every live source id of the sync
 * but the ones the feed reported deleted (unless this run read them: a record the run saw is not gone). applyDeletions
 * then deletes exactly the reported records, through the same guard and list rules as a full listing's.
 */
export async function writeListedIdsExceptDeleted(
  tx: Transaction,
  scope: RunTarget,
  deletedIds: readonly string[],
): Promise<void> {
  await tx.execute(sql`create temporary table listed_ids (source_id text primary key) on commit drop`);
  await tx.execute(sql`
    insert into listed_ids select source_id from source_records
    where sync_id = ${scope.syncId} and organization_id = ${scope.organizationId} and deleted_at is null`);
  for (let i = 0; i < deletedIds.length; i += CHUNK) {
    await tx.execute(sql`
      delete from listed_ids li using unnest(${textArray(deletedIds.slice(i, i + CHUNK))}) d(id)
      where li.source_id = d.id and not exists (
        select 1 from source_records sr
        where sr.sync_id = ${scope.syncId} and sr.source_id = d.id and sr.last_seen_run_id = ${scope.runId})`);
  }
  await tx.execute(sql`analyze listed_ids`);
}

/**
 * Turns the sync's live source records whose ids the source no longer lists (`listed_ids`, see writeListedIds) into
 * `deleted` outcomes, set-based, inside the caller's transaction: the lead leaves the sync's list when no other live
 * record of this sync holds it, nobody put it there by hand (a membership no sync added) and no other sync of the
 * same list holds it; it is soft-deleted (`deleted`) when it was active and no list holds it any more. A dry run only
 * records the outcomes.
 *
 * The mass-deletion guard: when the listing would delete more than `guard.percent` of the sync's live records and
 * nobody confirmed, nothing is deleted and the run carries a warning (`held_deletions`, `warning`).
 */
export async function applyDeletions(
  tx: Transaction,
  scope: RunTarget,
  seqStart: number,
  guard: DeletionGuard,
): Promise<DeletionResult> {
  await tx.execute(sql`
    create temporary table gone on commit drop as
    select sr.source_id, sr.lead_id, sr.email,
           (row_number() over (order by sr.source_id))::integer - 1 + ${seqStart} as seq
    from source_records sr
    where sr.sync_id = ${scope.syncId} and sr.deleted_at is null and sr.lead_id is not null
      and not exists (select 1 from listed_ids li where li.source_id = sr.source_id)`);

  const [share] = await tx.execute<{ gone: number; live: number }>(sql`
    select (select count(*) from gone)::int as gone,
           (select count(*) from source_records
            where sync_id = ${scope.syncId} and deleted_at is null and lead_id is not null)::int as live`);
  const goneCount = share?.gone ?? 0;
  const live = share?.live ?? 0;
  if (goneCount > 0 && !guard.confirmed && goneCount * 100 > live * guard.percent) {
    const warning =
      `The source no longer lists ${goneCount} of the ${live} records this sync imported (more than the ` +
      `${guard.percent}% this sync may delete in one run), so nothing was deleted. If they were deleted at the ` +
      'source, confirm the deletions: the next run then removes them.';
    await tx.execute(sql`
      update sync_runs set held_deletions = ${goneCount}, warning = ${warning} where id = ${scope.runId}`);
    return { deleted: 0, held: goneCount };
  }

  // The leads that leave the list: no other live record of this sync still holds them. `was_member`: a membership
  // this deletion takes away (one a sync added, and no other sync of this list holds the lead).
  await tx.execute(sql`
    create temporary table leaving on commit drop as
    select distinct g.lead_id, l.status,
           (m.lead_id is not null and m.added_by_sync_id is not null
            and not exists (
              select 1 from source_records o join syncs os on os.id = o.sync_id
              where o.lead_id = g.lead_id and o.sync_id <> ${scope.syncId} and o.deleted_at is null
                and os.mailing_list_id = ${scope.mailingListId})) as was_member
    from gone g
    join leads l on l.id = g.lead_id
    left join list_memberships m on m.mailing_list_id = ${scope.mailingListId} and m.lead_id = g.lead_id
    where not exists (
      select 1 from source_records s
      where s.sync_id = ${scope.syncId} and s.lead_id = g.lead_id and s.deleted_at is null
        and not exists (select 1 from gone g2 where g2.source_id = s.source_id)
    )`);

  if (!scope.dryRun) {
    await tx.execute(sql`
      update source_records sr set deleted_at = now(), last_seen_run_id = ${scope.runId}
      from gone g where sr.sync_id = ${scope.syncId} and sr.source_id = g.source_id`);
    await tx.execute(sql`
      delete from list_memberships m using leaving v
      where m.mailing_list_id = ${scope.mailingListId} and m.lead_id = v.lead_id and v.was_member`);
    await tx.execute(sql`
      create temporary table soft_deleted on commit drop as
      with updated as (
        update leads l set status = 'deleted', status_changed_at = now(), updated_at = now()
        from leaving v
        where l.id = v.lead_id and l.organization_id = ${scope.organizationId} and l.status = 'active'
          and not exists (select 1 from list_memberships m where m.lead_id = l.id)
        returning l.id
      ) select id from updated`);
  } else {
    await tx.execute(sql`
      create temporary table soft_deleted on commit drop as
      select v.lead_id as id from leaving v
      where v.status = 'active'
        and not exists (select 1 from list_memberships m
                        where m.lead_id = v.lead_id and (m.mailing_list_id <> ${scope.mailingListId} or not v.was_member))`);
  }

  // One `deleted` record per gone source record; `previous` says what undo restores (membership, status) and when
  // the lead was written (undo restores only a lead nobody wrote since).
  const inserted = await tx.execute(sql`
    insert into run_records (run_id, organization_id, seq, source_id, email, lead_id, outcome, previous)
    select ${scope.runId}, ${scope.organizationId}, g.seq, g.source_id, g.email, g.lead_id, 'deleted',
           case when v.lead_id is null then '{}'::jsonb
                else jsonb_strip_nulls(jsonb_build_object(
                  'wasMember', v.was_member,
                  'status', case when s.id is not null then v.status::text end,
                  'at', now()))
           end
    from gone g
    left join leaving v on v.lead_id = g.lead_id
    left join soft_deleted s on s.id = g.lead_id`);
  const count = inserted.count ?? 0;
  if (count > 0) {
    await tx.execute(sql`update sync_runs set deleted = deleted + ${count} where id = ${scope.runId}`);
  }
  return { deleted: count, held: 0 };
}
