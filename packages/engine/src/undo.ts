import { type Database, takeLeadWriteTurn } from '@leadsync/db';
import { type SyncRun, syncRuns, syncs } from '@leadsync/db/schema';
import { and, eq, sql } from 'drizzle-orm';
import { NotFoundError, UndoRefusedError } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reverses the latest succeeded real run of a sync, set-based, in one transaction, from the run's records:
 * leads it created are removed (unless another list or sync holds them), leads it re-added go back to `deleted`,
 * memberships it added are removed, leads it removed (`deleted` outcomes) come back, overwritten values are restored,
 * and the sync's high-water mark goes back to before the run. Refused for a failed, dry, already undone or not-latest
 * run.
 */
export async function undoRun(db: Database, organizationId: string, runId: string): Promise<SyncRun> {
  if (!UUID.test(runId)) throw new NotFoundError('Run', runId);
  return db.transaction(async (tx) => {
    await tx.execute(takeLeadWriteTurn(organizationId));
    const [run] = await tx
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.organizationId, organizationId), eq(syncRuns.id, runId)))
      .for('update');
    if (!run) throw new NotFoundError('Run', runId);
    if (run.dryRun) throw new UndoRefusedError('A preview changed nothing, so there is nothing to undo.');
    if (run.undoneAt) throw new UndoRefusedError('This run has already been undone.');
    if (run.status !== 'succeeded') throw new UndoRefusedError('Only a run that succeeded can be undone.');
    const later = await tx.execute(sql`
      select 1 from sync_runs
      where sync_id = ${run.syncId} and id <> ${run.id} and not dry_run and undone_at is null
        and (created_at, id) > (${run.createdAt.toISOString()}::timestamptz, ${run.id}::uuid)
        and (status <> 'failed' or processed_count > 0 or deleted > 0)
      limit 1`);
    if (later.length > 0) throw new UndoRefusedError('Only the latest run of a sync can be undone.');
    const [sync] = await tx.select().from(syncs).where(eq(syncs.id, run.syncId));
    if (!sync) throw new NotFoundError('Sync', run.syncId);
    const list = sync.mailingListId;

    // Leads the run created: off this list and out of this sync; deleted unless another list or sync holds them.
    await tx.execute(sql`
      create temporary table created_leads on commit drop as
      select distinct lead_id as id from run_records
      where run_id = ${run.id} and outcome = 'new' and lead_id is not null`);
    await tx.execute(sql`
      delete from list_memberships m using created_leads c
      where m.mailing_list_id = ${list} and m.lead_id = c.id`);
    await tx.execute(sql`
      delete from source_records s using created_leads c
      where s.sync_id = ${sync.id} and s.lead_id = c.id`);
    await tx.execute(sql`
      delete from leads l using created_leads c
      where l.id = c.id and l.organization_id = ${organizationId}
        and not exists (select 1 from list_memberships m where m.lead_id = l.id)
        and not exists (select 1 from source_records s where s.lead_id = l.id)`);

    // Re-added and duplicate leads: values, status and membership as they were.
    await tx.execute(sql`
      update leads l
      set first_name = case when r.previous ? 'fields' then r.previous->>'firstName' else l.first_name end,
          last_name = case when r.previous ? 'fields' then r.previous->>'lastName' else l.last_name end,
          fields = case when r.previous ? 'fields' then r.previous->'fields' else l.fields end,
          status = coalesce((r.previous->>'status')::lead_status, l.status),
          status_changed_at = case when r.previous ? 'status' then now() else l.status_changed_at end,
          updated_at = now()
      from run_records r
      where r.run_id = ${run.id} and r.outcome in ('duplicate', 're_added') and r.lead_id = l.id
        and (r.previous ? 'fields' or r.previous ? 'status')`);
    await tx.execute(sql`
      delete from list_memberships m using run_records r
      where r.run_id = ${run.id} and r.outcome in ('duplicate', 're_added')
        and (r.previous->>'wasMember')::boolean is false
        and m.mailing_list_id = ${list} and m.lead_id = r.lead_id`);

    // Deleted outcomes: the source records live again, memberships and statuses come back.
    await tx.execute(sql`
      update source_records s set deleted_at = null
      from run_records r
      where r.run_id = ${run.id} and r.outcome = 'deleted' and s.sync_id = ${sync.id} and s.source_id = r.source_id`);
    await tx.execute(sql`
      insert into list_memberships (mailing_list_id, lead_id, organization_id, added_by_sync_id)
      select distinct ${list}::uuid, r.lead_id, ${organizationId}::uuid, ${sync.id}::uuid
      from run_records r join leads l on l.id = r.lead_id
      where r.run_id = ${run.id} and r.outcome = 'deleted' and (r.previous->>'wasMember')::boolean
      on conflict do nothing`);
    await tx.execute(sql`
      update leads l set status = (r.previous->>'status')::lead_status, status_changed_at = now(), updated_at = now()
      from run_records r
      where r.run_id = ${run.id} and r.outcome = 'deleted' and r.previous ? 'status' and r.lead_id = l.id`);

    // The next run reads from where this one started.
    await tx.execute(sql`
      update syncs set high_water_mark = (
        select max(high_water_mark) from sync_runs
        where sync_id = ${sync.id} and status = 'succeeded' and not dry_run and undone_at is null
          and id <> ${run.id})
      where id = ${sync.id}`);
    const [undone] = await tx
      .update(syncRuns)
      .set({ undoneAt: sql`now()` })
      .where(eq(syncRuns.id, run.id))
      .returning();
    if (!undone) throw new NotFoundError('Run', runId);
    return undone;
  });
}
