import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';

export interface PruneResult {
  /** Runs whose records were pruned. */
  runs: number;
  /** Run records deleted. */
  records: number;
}

/**
 * Operator job, across every organization (the worker's `run-records.prune`): deletes the records of finished runs
 * older than their organization's `run_record_retention_days`, a few runs per transaction. The runs themselves and
 * their totals stay (`records_pruned_at` says the records are gone), and each organization remembers the cutoff
 * (`run_records_pruned_before`), which a person's timeline shows.
 */
export async function pruneExpiredRunRecords(
  db: Database,
  options: { now?: Date; runsPerBatch?: number } = {},
): Promise<PruneResult> {
  const now = (options.now ?? new Date()).toISOString();
  const batch = options.runsPerBatch ?? 20;
  const result: PruneResult = { runs: 0, records: 0 };
  for (;;) {
    const [done] = await db.transaction(async (tx) =>
      tx.execute<{ runs: number; records: number }>(sql`
        with due as (
          select r.id, r.organization_id,
                 ${now}::timestamptz - make_interval(days => o.run_record_retention_days) as cutoff
          from sync_runs r join organizations o on o.id = r.organization_id
          where r.records_pruned_at is null and r.status in ('succeeded', 'failed')
            and coalesce(r.finished_at, r.created_at) < ${now}::timestamptz - make_interval(days => o.run_record_retention_days)
          order by r.created_at
          limit ${batch}
          for update of r skip locked
        ), deleted as (
          delete from run_records rr using due where rr.run_id = due.id returning 1
        ), marked as (
          update sync_runs r set records_pruned_at = ${now}::timestamptz from due where r.id = due.id returning 1
        ), organizations_marked as (
          update organizations o set run_records_pruned_before = greatest(o.run_records_pruned_before, c.cutoff)
          from (select organization_id, max(cutoff) as cutoff from due group by organization_id) as c
          where o.id = c.organization_id
        )
        select (select count(*)::int from marked) as runs, (select count(*)::int from deleted) as records`),
    );
    if (!done || done.runs === 0) return result;
    result.runs += done.runs;
    result.records += done.records;
  }
}
