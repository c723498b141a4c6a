import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../client.ts';
import type { LeadEventKind } from '../schema/lead-events.ts';
import type { Lead, LeadStatus } from '../schema/leads.ts';
import type { IgnoredReason, RunOutcome } from '../schema/runs.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from './cursor.ts';
import { emailKey, LeadRepository } from './leads.ts';

/**
 * One thing that happened to an address: a run's record of it (`run_record`), an undo of that run (`undo`, at the
 * time of the undo), or a lead event (lead_events: statuses and memberships changed by a person or the API).
 */
export type TimelineEntryKind = 'run_record' | 'undo' | LeadEventKind;

export interface TimelineEntry {
  kind: TimelineEntryKind;
  at: Date;
  /** Runs (run_record, undo): the run, its sync and its number among the sync's real runs (1 = first). */
  runId: string | null;
  runNumber: number | null;
  syncId: string | null;
  syncName: string | null;
  outcome: RunOutcome | null;
  reason: IgnoredReason | null;
  suggestion: string | null;
  sourceId: string | null;
  /** The address as recorded: for `invalid_pattern`, as the source wrote it (trimmed). */
  email: string | null;
  fromStatus: LeadStatus | null;
  toStatus: LeadStatus | null;
  mailingListId: string | null;
  mailingListName: string | null;
  apiKeyId: string | null;
  apiKeyName: string | null;
}

export interface TimelineMembership {
  mailingListId: string;
  mailingListName: string;
  addedAt: Date;
  addedBySyncId: string | null;
  addedBySyncName: string | null;
}

/** Who made the lead: a sync's run (its `new` record), or an API key (a suppression entry). */
export interface LeadOrigin {
  at: Date;
  runId: string | null;
  syncId: string | null;
  syncName: string | null;
  apiKeyName: string | null;
}

export interface LeadTimeline {
  /** The normalized (trimmed, lowercase) address looked up. */
  email: string;
  lead: Lead | undefined;
  memberships: TimelineMembership[];
  createdBy: LeadOrigin | undefined;
  events: Page<TimelineEntry>;
  /** Run history before this time was pruned (the organization's retention); null: nothing pruned. */
  historyPrunedBefore: Date | null;
}

/** `t`: the entry's time as PostgreSQL prints it (microseconds kept, which a JS Date would lose). */
const timelineCursor = z.object({
  t: z.string().regex(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/),
  k: z.string().max(200),
});

/**
 * A person's story in one organization: the lead with that address if there is one, and everything that touched the
 * address, newest first, paged on (time, key). Run records are found by the lead (`run_records_lead_run_idx`) and,
 * for those naming no lead (ignored addresses, a lead removed since), by organization and address on the partial
 * hash index of migration 0020; lead events by address. Case-insensitive on the address; previews (dry runs) are left
 * out: they changed nothing.
 */
export class LeadTimelineRepository {
  constructor(
    private readonly db: Executor,
    readonly organizationId: string,
  ) {}

  async timeline(email: string, args: PageArgs = {}): Promise<LeadTimeline> {
    const key = emailKey(email);
    const limit = pageSize(args.first, 50);
    const after = args.after ? decodeCursor(args.after, timelineCursor) : undefined;
    const lead = await new LeadRepository(this.db, this.organizationId).getByEmail(key);
    const entries = this.entries(key, lead?.id);
    const page = after ? sql`where (e.at, e.k) < (${after.t}::timestamptz, ${after.k})` : sql``;
    // One pass over the address's entries (a few hundred at most): the total is counted beside the page.
    const [rows, memberships, createdBy, [organization]] = await Promise.all([
      this.db.execute<EntryRow & { total: number }>(sql`
        select e.*, e.at::text as at_text,
               case when e.run_id is not null then (
                 select count(*)::int from sync_runs x
                 where x.sync_id = e.sync_id and not x.dry_run
                   and (x.created_at, x.id) <= (e.run_created_at, e.run_id)) end as run_number
        from (select * from (select x.*, count(*) over ()::int as total from (${entries}) as x) as e
              ${page} order by e.at desc, e.k desc limit ${limit + 1}) as e
        order by e.at desc, e.k desc`),
      lead ? this.memberships(lead.id) : Promise.resolve([]),
      lead ? this.origin(lead.id, key) : Promise.resolve(undefined),
      this.db.execute<{ pruned_before: Date | string | null }>(
        sql`select run_records_pruned_before as pruned_before from organizations where id = ${this.organizationId}`,
      ),
    ]);
    let total = rows[0]?.total;
    if (total === undefined && after) {
      // Past the last entry: the page is empty, the total is counted on its own.
      const [counted] = await this.db.execute<{ n: number }>(
        sql`select count(*)::int as n from (${entries}) as e`,
      );
      total = counted?.n;
    }
    const events = toPage([...rows].map(toEntry), limit, total ?? 0, (entry) => encodeCursor(keyOf(entry)));
    const prunedBefore = organization?.pruned_before;
    return {
      email: key,
      lead,
      memberships,
      createdBy,
      events,
      historyPrunedBefore: prunedBefore ? new Date(prunedBefore) : null,
    };
  }

  /** Every entry of the address, unordered, with its sort key (at, k). */
  private entries(key: string, leadId: string | undefined): SQL {
    const org = this.organizationId;
    // The address's records: those of its lead, and those naming no lead (the hash index's predicate and key
    // expression, repeated: see run_records_unlinked_email_hash_idx).
    const records = sql`
      select r.run_id, r.seq, r.outcome, r.reason, r.suggestion, r.source_id, r.email from run_records r
      where r.organization_id = ${org} and r.lead_id is null and r.email is not null
        and (r.organization_id::text || lower(r.email)) = ${org}::text || ${key}::text
      ${
        leadId
          ? sql`union all
      select r.run_id, r.seq, r.outcome, r.reason, r.suggestion, r.source_id, r.email from run_records r
      where r.lead_id = ${leadId} and r.organization_id = ${org}`
          : sql``
      }`;
    const run = (kind: string, at: SQL, where: SQL) => sql`
      select ${kind}::text as kind, ${at} as at,
             ${kind}::text || ':' || r.run_id::text || ':' || lpad(r.seq::text, 10, '0') as k,
             r.run_id, s.created_at as run_created_at, s.sync_id, y.name as sync_name, r.outcome, r.reason,
             r.suggestion, r.source_id, r.email, null::lead_status as from_status, null::lead_status as to_status,
             null::uuid as mailing_list_id, null::text as mailing_list_name, null::uuid as api_key_id,
             null::text as api_key_name, null::bigint as event_id
      from rec r join sync_runs s on s.id = r.run_id left join syncs y on y.id = s.sync_id
      where not s.dry_run ${where}`;
    return sql`
      with rec as (${records})
      ${run('run_record', sql`coalesce(s.started_at, s.created_at)`, sql``)}
      union all
      ${run('undo', sql`s.undone_at`, sql`and s.undone_at is not null and r.outcome <> 'ignored'`)}
      union all
      select v.kind::text, v.occurred_at, 'event:' || lpad(v.id::text, 19, '0'), null, null, v.sync_id, y.name,
             null, null, null, null, null, v.from_status, v.to_status, v.mailing_list_id, v.mailing_list_name,
             v.api_key_id, v.api_key_name, v.id
      from lead_events v left join syncs y on y.id = v.sync_id
      where v.organization_id = ${org} and lower(v.email) = ${key}`;
  }

  private async memberships(leadId: string): Promise<TimelineMembership[]> {
    const rows = await this.db.execute<{
      mailing_list_id: string;
      mailing_list_name: string;
      added_at: Date | string;
      added_by_sync_id: string | null;
      added_by_sync_name: string | null;
    }>(sql`
      select m.mailing_list_id, l.name as mailing_list_name, m.added_at, m.added_by_sync_id,
             y.name as added_by_sync_name
      from list_memberships m join mailing_lists l on l.id = m.mailing_list_id
      left join syncs y on y.id = m.added_by_sync_id
      where m.lead_id = ${leadId} and m.organization_id = ${this.organizationId}
      order by lower(l.name), l.id`);
    return [...rows].map((r) => ({
      mailingListId: r.mailing_list_id,
      mailingListName: r.mailing_list_name,
      addedAt: new Date(r.added_at),
      addedBySyncId: r.added_by_sync_id,
      addedBySyncName: r.added_by_sync_name,
    }));
  }

  /** The first `new` record of the lead, else the event that made it (a status set on an unknown address). */
  private async origin(leadId: string, key: string): Promise<LeadOrigin | undefined> {
    const [row] = await this.db.execute<{
      at: Date | string;
      run_id: string | null;
      sync_id: string | null;
      sync_name: string | null;
      api_key_name: string | null;
    }>(sql`
      select * from (
        (select coalesce(s.started_at, s.created_at) as at, r.run_id, s.sync_id, y.name as sync_name,
                null::text as api_key_name
         from run_records r join sync_runs s on s.id = r.run_id left join syncs y on y.id = s.sync_id
         where r.lead_id = ${leadId} and r.organization_id = ${this.organizationId} and r.outcome = 'new'
           and not s.dry_run
         order by s.created_at, s.id limit 1)
        union all
        (select v.occurred_at, null, null, null, v.api_key_name from lead_events v
         where v.organization_id = ${this.organizationId} and lower(v.email) = ${key} and v.lead_id = ${leadId}
           and v.kind = 'status_changed' and v.from_status is null
         order by v.id limit 1)
      ) as o order by o.at limit 1`);
    if (!row) return undefined;
    return {
      at: new Date(row.at),
      runId: row.run_id,
      syncId: row.sync_id,
      syncName: row.sync_name,
      apiKeyName: row.api_key_name,
    };
  }
}

interface EntryRow {
  kind: TimelineEntryKind;
  at: Date | string;
  k: string;
  at_text: string;
  run_id: string | null;
  run_number: number | null;
  sync_id: string | null;
  sync_name: string | null;
  outcome: RunOutcome | null;
  reason: IgnoredReason | null;
  suggestion: string | null;
  source_id: string | null;
  email: string | null;
  from_status: LeadStatus | null;
  to_status: LeadStatus | null;
  mailing_list_id: string | null;
  mailing_list_name: string | null;
  api_key_id: string | null;
  api_key_name: string | null;
  [column: string]: unknown;
}

const sortKeys = new WeakMap<TimelineEntry, { t: string; k: string }>();

function keyOf(entry: TimelineEntry): { t: string; k: string } {
  return sortKeys.get(entry) ?? { t: '', k: '' };
}

function toEntry(row: EntryRow): TimelineEntry {
  const entry: TimelineEntry = {
    kind: row.kind,
    at: new Date(row.at),
    runId: row.run_id,
    runNumber: row.run_number,
    syncId: row.sync_id,
    syncName: row.sync_name,
    outcome: row.outcome,
    reason: row.reason,
    suggestion: row.suggestion,
    sourceId: row.source_id,
    email: row.email,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    mailingListId: row.mailing_list_id,
    mailingListName: row.mailing_list_name,
    apiKeyId: row.api_key_id,
    apiKeyName: row.api_key_name,
  };
  sortKeys.set(entry, { t: row.at_text, k: row.k });
  return entry;
}
