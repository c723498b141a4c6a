import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../client.ts';
import { isUuid } from '../repositories/ids.ts';
import { takeLeadWriteTurn, tryTakeSyncLockForTransaction } from '../repositories/write-turns.ts';
import { type SyncRun, syncRuns, type UndoKeptReason, type UndoReport } from '../schema/runs.ts';
import { syncs } from '../schema/syncs.ts';

/** Kept leads listed by name in the report; the counts cover them all. */
const KEPT_LISTED = 100;

/** Why an undo was refused (nothing changed). */
export type UndoRefusal =
  | 'run_executing'
  | 'dry_run'
  | 'already_undone'
  | 'records_pruned'
  | 'not_succeeded'
  | 'not_latest';

export type UndoOutcome =
  | { kind: 'undone'; run: SyncRun }
  | { kind: 'not_found' }
  | { kind: 'refused'; refusal: UndoRefusal };

/** Ends the undo's transaction (rolled back) with its outcome. */
class UndoEnded extends Error {
  constructor(readonly outcome: UndoOutcome) {
    super(outcome.kind);
  }
}

const refused = (refusal: UndoRefusal) => new UndoEnded({ kind: 'refused', refusal });
const NOT_FOUND = new UndoEnded({ kind: 'not_found' });

/**
 * Reverses the latest succeeded real run of a sync, set-based, in one transaction, from the run's records; but only
 * what the run did and what is still as the run left it. Every change made after the run is kept, and the report
 * (`undoReport` on the run) counts and lists the leads kept and why:
 * - `suppressed`: the lead is bounced or do-not-mail now; it stays so (a lead the run created is not removed with
 *   its suppression, a lead the run re-added or deleted does not go back to `deleted`/`active`, nor onto the list);
 * - `held_by_other_sync`: another sync holds the lead (a live source record), on this list or another;
 * - `held_by_person`: a person put the lead on the list (a membership no sync added);
 * - `on_other_list`: the lead is on another list;
 * - `changed_after_run`: the lead was written after the run (a person's edit, another writer's values): its values
 *   stay, and a lead the run created is not removed.
 * Memberships the run added leave the list unless a person or another sync on the same list holds the lead.
 *
 * Undo and the sync's runs exclude each other: undo takes the sync's run lock (the one a worker holds while it runs
 * the sync) and is refused while a run executes; a run queued meanwhile starts after the undo and reads from the
 * restored high-water mark. Refused for a failed, dry, already undone or not-latest run. Tenant-scoped.
 */
export async function undoSyncRun(db: Database, organizationId: string, runId: string): Promise<UndoOutcome> {
  if (!isUuid(runId)) return { kind: 'not_found' };
  try {
    return { kind: 'undone', run: await reverseRun(db, organizationId, runId) };
  } catch (error) {
    if (error instanceof UndoEnded) return error.outcome;
    throw error;
  }
}

function reverseRun(db: Database, organizationId: string, runId: string): Promise<SyncRun> {
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ syncId: syncRuns.syncId })
      .from(syncRuns)
      .where(and(eq(syncRuns.organizationId, organizationId), eq(syncRuns.id, runId)));
    if (!target) throw NOT_FOUND;
    const [lock] = await tx.execute<{ locked: boolean }>(tryTakeSyncLockForTransaction(target.syncId));
    if (!lock?.locked) {
      throw refused('run_executing');
    }
    await tx.execute(takeLeadWriteTurn(organizationId));
    const [run] = await tx
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.organizationId, organizationId), eq(syncRuns.id, runId)))
      .for('update');
    if (!run) throw NOT_FOUND;
    if (run.dryRun) throw refused('dry_run');
    if (run.undoneAt) throw refused('already_undone');
    if (run.recordsPrunedAt) throw refused('records_pruned');
    if (run.status !== 'succeeded') throw refused('not_succeeded');
    // A run queued but not started has changed nothing: it starts after the undo, from the restored mark.
    const later = await tx.execute(sql`
      select 1 from sync_runs
      where sync_id = ${run.syncId} and id <> ${run.id} and not dry_run and undone_at is null
        and (created_at, id) > (${run.createdAt.toISOString()}::timestamptz, ${run.id}::uuid)
        and status <> 'queued'
        and (status <> 'failed' or processed_count > 0 or deleted > 0)
      limit 1`);
    if (later.length > 0) throw refused('not_latest');
    const [sync] = await tx
      .select()
      .from(syncs)
      .where(and(eq(syncs.organizationId, organizationId), eq(syncs.id, run.syncId)));
    if (!sync) throw NOT_FOUND;
    if (!run.finishedAt) throw refused('not_succeeded');

    const report = await reverse(tx, {
      organizationId,
      runId: run.id,
      syncId: sync.id,
      listId: sync.mailingListId,
      finishedAt: run.finishedAt.toISOString(),
    });

    // The next run reads from where this one started.
    await tx.execute(sql`
      update syncs set high_water_mark = (
        select max(high_water_mark) from sync_runs
        where sync_id = ${sync.id} and status = 'succeeded' and not dry_run and undone_at is null
          and id <> ${run.id})
      where id = ${sync.id}`);
    const [undone] = await tx
      .update(syncRuns)
      .set({ undoneAt: sql`now()`, undoReport: report })
      .where(eq(syncRuns.id, run.id))
      .returning();
    if (!undone) throw NOT_FOUND;
    return undone;
  });
}

interface UndoScope {
  organizationId: string;
  runId: string;
  syncId: string;
  listId: string;
  /** The run's `finished_at`: its deletions were written by the transaction whose `now()` this is. */
  finishedAt: string;
}

/** Whether a sync other than this one holds the lead (a live source record), on any list or on `listId`. */
function otherSyncHolds(u: UndoScope, lead: SQL, onList = false): SQL {
  return onList
    ? sql`exists (select 1 from source_records s join syncs o on o.id = s.sync_id
                  where s.lead_id = ${lead} and s.sync_id <> ${u.syncId} and s.deleted_at is null
                    and o.mailing_list_id = ${u.listId})`
    : sql`exists (select 1 from source_records s
                  where s.lead_id = ${lead} and s.sync_id <> ${u.syncId} and s.deleted_at is null)`;
}

const SUPPRESSED = sql.raw(`('bounced', 'do_not_mail')`);

async function reverse(tx: Transaction, u: UndoScope): Promise<UndoReport> {
  const { runId, syncId, listId, organizationId } = u;
  // One row per lead the undo looked at: `kept` is null when what the run did to it was reversed.
  await tx.execute(sql`
    create temporary table undo_leads (lead_id uuid primary key, email text not null, kept text) on commit drop`);

  // What the run did, as the leads are now (before anything is reversed). `untouched`: nobody wrote the lead since
  // the run (every writer of leads sets updated_at to its transaction's now(); the run noted its own in `at`).
  await tx.execute(sql`
    create temporary table undo_created on commit drop as
    select l.id, l.email, l.status, l.updated_at = l.created_at as untouched
    from leads l
    where l.organization_id = ${organizationId}
      and l.id in (select lead_id from run_records where run_id = ${runId} and outcome = 'new' and lead_id is not null)`);
  await tx.execute(sql`
    create temporary table undo_changed on commit drop as
    select distinct on (l.id) l.id, l.email, l.status, r.previous as p,
           r.previous ? 'fields' as had_fields, r.previous ? 'status' as had_status,
           (r.previous->>'wasMember')::boolean is false as joined,
           coalesce(l.updated_at = (r.previous->>'at')::timestamptz,
                    l.updated_at <= ${u.finishedAt}::timestamptz) as untouched
    from run_records r join leads l on l.id = r.lead_id
    where r.run_id = ${runId} and r.outcome in ('duplicate', 're_added') and r.previous is not null
      and l.organization_id = ${organizationId}
    order by l.id, r.seq`);
  await tx.execute(sql`
    create temporary table undo_deleted on commit drop as
    select distinct on (l.id) l.id, l.email, l.status, r.previous as p,
           r.previous ? 'status' as had_status, coalesce((r.previous->>'wasMember')::boolean, false) as was_member,
           l.updated_at = coalesce((r.previous->>'at')::timestamptz, ${u.finishedAt}::timestamptz) as untouched
    from run_records r join leads l on l.id = r.lead_id
    where r.run_id = ${runId} and r.outcome = 'deleted' and l.organization_id = ${organizationId}
      and (r.previous ? 'status' or (r.previous->>'wasMember')::boolean)
    order by l.id, r.seq`);

  // Memberships the run added leave the list, unless a person (no sync) or another sync on this list holds them.
  await tx.execute(sql`
    delete from list_memberships m
    where m.mailing_list_id = ${listId} and m.added_by_sync_id = ${syncId}
      and m.lead_id in (select id from undo_created union all select id from undo_changed where joined)
      and not ${otherSyncHolds(u, sql.raw('m.lead_id'), true)}`);

  // Leads the run created: out of this sync; removed when nothing happened to them since and nothing holds them.
  await tx.execute(sql`
    delete from source_records s using undo_created c where s.sync_id = ${syncId} and s.lead_id = c.id`);
  await tx.execute(sql`
    insert into undo_leads (lead_id, email, kept)
    select c.id, c.email, case
        when c.status in ${SUPPRESSED} then 'suppressed'
        when ${otherSyncHolds(u, sql.raw('c.id'))} then 'held_by_other_sync'
        when exists (select 1 from list_memberships m where m.lead_id = c.id and m.mailing_list_id = ${listId})
          then 'held_by_person'
        when exists (select 1 from list_memberships m where m.lead_id = c.id) then 'on_other_list'
        when not c.untouched or c.status <> 'active' then 'changed_after_run'
      end
    from undo_created c`);
  await tx.execute(sql`
    delete from leads l using undo_leads k
    where l.id = k.lead_id and k.kept is null and l.organization_id = ${organizationId}
      and not exists (select 1 from list_memberships m where m.lead_id = l.id)
      and not exists (select 1 from source_records s where s.lead_id = l.id)`);

  // Re-added and duplicate leads: values back only if nobody wrote the lead since; `deleted` again only if it is
  // still active as the run left it and no list or other sync holds it.
  await tx.execute(sql`
    create temporary table undo_changed_now on commit drop as
    select c.*,
      exists (select 1 from list_memberships m where m.lead_id = c.id and m.mailing_list_id = ${listId})
        as on_list,
      exists (select 1 from list_memberships m where m.lead_id = c.id and m.mailing_list_id <> ${listId})
        as on_other_list,
      ${otherSyncHolds(u, sql.raw('c.id'))} as other_sync
    from undo_changed c`);
  await tx.execute(sql`
    insert into undo_leads (lead_id, email, kept)
    select c.id, c.email, case
        when (c.had_fields or c.had_status) and c.status in ${SUPPRESSED} then 'suppressed'
        when c.joined and c.on_list then
          case when c.other_sync then 'held_by_other_sync' else 'held_by_person' end
        when c.had_status and c.other_sync then 'held_by_other_sync'
        when c.had_status and c.on_other_list then 'on_other_list'
        when (c.had_fields or c.had_status) and not c.untouched then 'changed_after_run'
      end
    from undo_changed_now c
    where c.had_fields or c.had_status or c.joined
    on conflict (lead_id) do update set kept = coalesce(undo_leads.kept, excluded.kept)`);
  await tx.execute(sql`
    update leads l
    set first_name = case when c.had_fields then c.p->>'firstName' else l.first_name end,
        last_name = case when c.had_fields then c.p->>'lastName' else l.last_name end,
        fields = case when c.had_fields then c.p->'fields' else l.fields end,
        status = case when c.had_status then (c.p->>'status')::lead_status else l.status end,
        status_changed_at = case when c.had_status then now() else l.status_changed_at end,
        updated_at = now()
    from undo_changed_now c join undo_leads k on k.lead_id = c.id
    where l.id = c.id and k.kept is null and c.untouched and (c.had_fields or c.had_status)`);

  // Deleted outcomes: the source records live again; a lead the run soft-deleted comes back only if it is still as
  // the run left it; the membership comes back only for a lead that is active (never for a suppressed one).
  await tx.execute(sql`
    insert into source_records (sync_id, source_id, organization_id, lead_id, email, last_seen_run_id)
    select ${syncId}, r.source_id, ${organizationId}, r.lead_id, r.email, ${runId}
    from run_records r join leads l on l.id = r.lead_id
    where r.run_id = ${runId} and r.outcome = 'deleted'
    on conflict (sync_id, source_id) do update
    set deleted_at = null, lead_id = excluded.lead_id, email = excluded.email`);
  await tx.execute(sql`
    insert into undo_leads (lead_id, email, kept)
    select d.id, d.email, case
        when d.status in ${SUPPRESSED} then 'suppressed'
        when d.had_status and not (d.status = 'deleted' and d.untouched) then 'changed_after_run'
        when not d.had_status and d.status <> 'active' then 'changed_after_run'
      end
    from undo_deleted d
    on conflict (lead_id) do update set kept = coalesce(undo_leads.kept, excluded.kept)`);
  await tx.execute(sql`
    update leads l set status = (d.p->>'status')::lead_status, status_changed_at = now(), updated_at = now()
    from undo_deleted d join undo_leads k on k.lead_id = d.id
    where l.id = d.id and k.kept is null and d.had_status`);
  await tx.execute(sql`
    insert into list_memberships (mailing_list_id, lead_id, organization_id, added_by_sync_id)
    select ${listId}, d.id, ${organizationId}, ${syncId}
    from undo_deleted d join undo_leads k on k.lead_id = d.id join leads l on l.id = d.id
    where d.was_member and k.kept is null and l.status = 'active'
    on conflict do nothing`);

  const counts = await tx.execute<{ kept: UndoKeptReason | null; n: number }>(sql`
    select kept, count(*)::int as n from undo_leads group by kept order by kept nulls first`);
  const listed = await tx.execute<{ email: string; kept: UndoKeptReason }>(sql`
    select email, kept from undo_leads where kept is not null order by email limit ${KEPT_LISTED}`);
  const report: UndoReport = { reversed: 0, kept: {}, keptLeads: [] };
  for (const row of counts) {
    if (row.kept === null) report.reversed = row.n;
    else report.kept[row.kept] = row.n;
  }
  report.keptLeads = listed.map((row) => ({ email: row.email, reason: row.kept }));
  return report;
}
