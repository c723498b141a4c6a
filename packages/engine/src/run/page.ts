import {
  type ClassifiedRecord,
  classifyBatch,
  type LeadStatus,
  type RunState,
  type RunTotals,
} from '@leadsync/core';
import type { Transaction } from '@leadsync/db';
import type { LeadFields, RunRecordPrevious } from '@leadsync/db/schema';
import { type SQL, sql } from 'drizzle-orm';
import { lockOrganization, textArray } from '../sql.ts';
import { applyUpdatePolicy } from '../update-policy.ts';
import type { PreparedRecord, RunCheckpoint, RunScope } from './types.ts';

export interface PageWrite {
  /** In-scope records, in source order. */
  records: PreparedRecord[];
  /** Records read from the source for this page, out-of-scope and rejected ones included. */
  readCount: number;
  highWaterMark: Date | undefined;
  checkpoint: RunCheckpoint;
  /** `seq` of the page's first record. */
  seqStart: number;
}

type ExistingLead = {
  id: string;
  email: string;
  status: LeadStatus;
  first_name: string | null;
  last_name: string | null;
  fields: LeadFields;
  member: boolean;
};

interface LeadChanges {
  /** Lead id by normalized email, for every lead the page touched or looked up. */
  ids: Map<string, string>;
  /** What undo needs, by record index. */
  previous: Map<number, RunRecordPrevious>;
}

/**
 * Classifies one page against the organization's leads and writes it in ONE transaction, with set-based statements
 * only: the lookup of the page's leads, new leads, updated/restored leads, list memberships, source records, run
 * records, and the run's counters and checkpoint. A dry run writes only the run records and the run row.
 *
 * `state` (seen emails, totals) is updated by the classifier; when the transaction fails the run fails, and a
 * resumed run rebuilds its state from the database, so a half-applied in-memory state never survives.
 */
export async function writePage(scope: RunScope, state: RunState, page: PageWrite): Promise<RunTotals> {
  return scope.db.transaction(async (tx) => {
    if (!scope.dryRun) await tx.execute(lockOrganization(scope.organizationId));
    const existing = new Map<string, ExistingLead>();
    const { results, pageTotals } = await classifyBatch(
      page.records.map((r) => ({ sourceId: r.sourceId, email: r.mapped.email })),
      async (emails) => {
        const rows = await lookupLeads(tx, scope, emails);
        const statuses = new Map<string, LeadStatus>();
        for (const row of rows) {
          existing.set(row.email, row);
          statuses.set(row.email, row.status);
        }
        return statuses;
      },
      state,
    );
    const changes: LeadChanges = scope.dryRun
      ? { ids: new Map([...existing].map(([email, lead]) => [email, lead.id])), previous: new Map() }
      : await applyLeadChanges(tx, scope, page, results, existing);
    await updateRun(tx, scope, page, pageTotals, runRecordsInsert(scope, page, results, changes));
    return pageTotals;
  });
}

/**
 * The one batched lookup of a page: the leads with these emails, and whether each is on the sync's list. No row
 * locks: engine writers of one organization take turns on the advisory lock, and the update re-reads a lead's status.
 *
 * Written so that its cost is one index probe per email whatever the planner believes: during a first large import
 * the tables have no statistics yet (autovacuum has not analyzed them), and the plain join form was planned as a
 * scan of all the organization's leads and a hash of all the list's memberships, per page (quadratic in the run).
 * The lateral subquery (`offset 0` keeps it from being flattened into a join) is run per email on the unique
 * `(organization_id, lower(email))` index, the membership is a per-lead probe of the list's primary key (a scalar
 * subquery: an `exists` would be planned as a hash of the whole list).
 */
async function lookupLeads(tx: Transaction, scope: RunScope, emails: string[]): Promise<ExistingLead[]> {
  const rows = await tx.execute<ExistingLead>(sql`
    select l.id, e.email, l.status, l.first_name, l.last_name, l.fields,
           coalesce((select true from list_memberships m
                     where m.mailing_list_id = ${scope.mailingListId} and m.lead_id = l.id), false) as member
    from unnest(${textArray(emails)}) as e(email)
    cross join lateral (
      select id, status, first_name, last_name, fields from leads
      where organization_id = ${scope.organizationId} and lower(email) = e.email
      offset 0
    ) as l`);
  return [...rows];
}

async function applyLeadChanges(
  tx: Transaction,
  scope: RunScope,
  page: PageWrite,
  results: ClassifiedRecord[],
  existing: Map<string, ExistingLead>,
): Promise<LeadChanges> {
  const ids = new Map<string, string>();
  const previous = new Map<number, RunRecordPrevious>();
  for (const [email, lead] of existing) ids.set(email, lead.id);

  const fresh = {
    email: [] as string[],
    first: [] as (string | null)[],
    last: [] as (string | null)[],
    fields: [] as string[],
  };
  const update = {
    id: [] as string[],
    first: [] as (string | null)[],
    last: [] as (string | null)[],
    fields: [] as string[],
    restore: [] as string[],
  };
  const join: string[] = [];

  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    const record = page.records[i]!;
    const email = result.email;
    if (email === undefined) continue;
    if (result.outcome === 'new') {
      fresh.email.push(email);
      fresh.first.push(record.mapped.firstName ?? null);
      fresh.last.push(record.mapped.lastName ?? null);
      fresh.fields.push(JSON.stringify(record.mapped.fields));
    } else if (result.outcome === 'duplicate' || result.outcome === 're_added') {
      const lead = existing.get(email)!;
      const restore = result.outcome === 're_added';
      const next = applyUpdatePolicy(
        scope.updatePolicy,
        { firstName: lead.first_name, lastName: lead.last_name, fields: lead.fields },
        record.mapped,
      );
      const before: RunRecordPrevious = { wasMember: lead.member };
      if (restore) before.status = lead.status;
      if (next.changed) {
        before.firstName = lead.first_name;
        before.lastName = lead.last_name;
        before.fields = lead.fields;
      }
      previous.set(i, before);
      if (next.changed || restore) {
        update.id.push(lead.id);
        update.first.push(next.firstName);
        update.last.push(next.lastName);
        update.fields.push(JSON.stringify(next.fields));
        update.restore.push(restore ? 't' : 'f');
      }
      if (!lead.member) join.push(lead.id);
    }
  }

  if (fresh.email.length > 0) {
    // New leads and their memberships in one statement.
    const inserted = await tx.execute<{ id: string; email: string }>(sql`
    with ins as (
      insert into leads (organization_id, email, first_name, last_name, fields)
      select ${scope.organizationId}, u.email, u.first_name, u.last_name, u.fields::jsonb
      from unnest(${textArray(fresh.email)}, ${textArray(fresh.first)}, ${textArray(fresh.last)},
                  ${textArray(fresh.fields)}) as u(email, first_name, last_name, fields)
      on conflict (organization_id, lower(email)) do nothing
      returning id, lower(email) as email
    ), joined as (
      insert into list_memberships (mailing_list_id, lead_id, organization_id, added_by_sync_id)
      select ${scope.mailingListId}, ins.id, ${scope.organizationId}, ${scope.syncId} from ins
    )
    select id, email from ins`);
    for (const row of inserted) ids.set(row.email, row.id);
    if (inserted.length < fresh.email.length) {
      // Someone outside the engine created some of these leads since the lookup: link to theirs.
      const missing = fresh.email.filter((email) => !ids.has(email));
      const rows = await tx.execute<{ id: string; email: string }>(sql`
        select id, lower(email) as email from leads
        where organization_id = ${scope.organizationId} and lower(email) = any(${textArray(missing)})`);
      for (const row of rows) {
        ids.set(row.email, row.id);
        join.push(row.id);
      }
    }
  }

  if (update.id.length > 0) {
    await tx.execute(sql`
      update leads as l
      set first_name = u.first_name, last_name = u.last_name, fields = u.fields::jsonb,
          status = case when u.restore::boolean then 'active'::lead_status else l.status end,
          status_changed_at = case when u.restore::boolean then now() else l.status_changed_at end,
          updated_at = now()
      from unnest(${textArray(update.id)}, ${textArray(update.first)}, ${textArray(update.last)},
                  ${textArray(update.fields)}, ${textArray(update.restore)})
           as u(id, first_name, last_name, fields, restore)
      where l.organization_id = ${scope.organizationId} and l.id = u.id::uuid`);
  }

  if (join.length > 0) {
    await tx.execute(sql`
      insert into list_memberships (mailing_list_id, lead_id, organization_id, added_by_sync_id)
      select ${scope.mailingListId}, u.id::uuid, ${scope.organizationId}, ${scope.syncId}
      from unnest(${textArray(join)}) as u(id)
      on conflict do nothing`);
  }

  await upsertSourceRecords(tx, scope, page, results, ids);
  return { ids, previous };
}

/** Outcomes whose record names a usable address, tracked per source id (for change and deletion detection). */
function tracked(result: ClassifiedRecord): boolean {
  return (
    result.outcome !== 'ignored' ||
    !['empty_email', 'invalid_pattern', 'group_email'].includes(result.reason!)
  );
}

async function upsertSourceRecords(
  tx: Transaction,
  scope: RunScope,
  page: PageWrite,
  results: ClassifiedRecord[],
  ids: Map<string, string>,
): Promise<void> {
  // One row per source id (a page could carry a record twice; ON CONFLICT may touch a row only once).
  const bySourceId = new Map<string, number>();
  for (let i = 0; i < results.length; i++) if (tracked(results[i]!)) bySourceId.set(results[i]!.sourceId, i);
  if (bySourceId.size === 0) return;
  const sourceId: string[] = [];
  const leadId: (string | null)[] = [];
  const email: string[] = [];
  const hash: string[] = [];
  const modified: (string | null)[] = [];
  for (const [id, i] of bySourceId) {
    const result = results[i]!;
    const record = page.records[i]!;
    sourceId.push(id);
    email.push(result.email!);
    leadId.push(ids.get(result.email!) ?? null);
    hash.push(record.hash);
    modified.push(record.modifiedAt?.toISOString() ?? null);
  }
  await tx.execute(sql`
    insert into source_records (sync_id, source_id, organization_id, lead_id, email, content_hash,
                                source_modified_at, last_seen_at, last_seen_run_id, deleted_at)
    select ${scope.syncId}, u.source_id, ${scope.organizationId},
           coalesce(u.lead_id::uuid, (select l.id from leads l where l.organization_id = ${scope.organizationId}
                                      and lower(l.email) = u.email)),
           u.email, u.hash, u.modified::timestamptz, now(), ${scope.runId}, null
    from unnest(${textArray(sourceId)}, ${textArray(leadId)}, ${textArray(email)}, ${textArray(hash)},
                ${textArray(modified)}) as u(source_id, lead_id, email, hash, modified)
    on conflict (sync_id, source_id) do update
    set lead_id = excluded.lead_id, email = excluded.email, content_hash = excluded.content_hash,
        source_modified_at = excluded.source_modified_at, last_seen_at = excluded.last_seen_at,
        last_seen_run_id = excluded.last_seen_run_id, deleted_at = null`);
}

/** The insert of the page's run records, to run as a CTE of the run update. */
function runRecordsInsert(
  scope: RunScope,
  page: PageWrite,
  results: ClassifiedRecord[],
  changes: LeadChanges,
): SQL | undefined {
  if (results.length === 0) return undefined;
  const n = results.length;
  const seq: string[] = new Array(n);
  const sourceId: string[] = new Array(n);
  const email: (string | null)[] = new Array(n);
  const leadId: (string | null)[] = new Array(n);
  const outcome: string[] = new Array(n);
  const reason: (string | null)[] = new Array(n);
  const suggestion: (string | null)[] = new Array(n);
  const previous: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const result = results[i]!;
    seq[i] = String(page.seqStart + i);
    sourceId[i] = result.sourceId;
    email[i] = result.email ?? null;
    leadId[i] =
      result.email !== undefined && result.reason !== 'file_duplicate' && tracked(result)
        ? (changes.ids.get(result.email) ?? null)
        : null;
    outcome[i] = result.outcome;
    reason[i] = result.reason ?? null;
    suggestion[i] = result.suggestion ?? null;
    const before = changes.previous.get(i);
    previous[i] = before ? JSON.stringify(before) : null;
  }
  return sql`
    insert into run_records (run_id, organization_id, seq, source_id, email, lead_id, outcome, reason, suggestion,
                             previous)
    select ${scope.runId}, ${scope.organizationId}, u.seq::integer, u.source_id, u.email, u.lead_id::uuid,
           u.outcome::run_outcome, u.reason::ignored_reason, u.suggestion, u.previous::jsonb
    from unnest(${textArray(seq)}, ${textArray(sourceId)}, ${textArray(email)}, ${textArray(leadId)},
                ${textArray(outcome)}, ${textArray(reason)}, ${textArray(suggestion)}, ${textArray(previous)})
         as u(seq, source_id, email, lead_id, outcome, reason, suggestion, previous)`;
}

async function updateRun(
  tx: Transaction,
  scope: RunScope,
  page: PageWrite,
  totals: RunTotals,
  records: SQL | undefined,
): Promise<void> {
  const b = totals.ignoredBreakdown;
  await tx.execute(sql`
    ${records ? sql`with records as (${records})` : sql``}
    update sync_runs set
      total = total + ${totals.total}, new_leads = new_leads + ${totals.newLeads},
      re_added = re_added + ${totals.reAdded}, duplicate = duplicate + ${totals.duplicate},
      ignored = ignored + ${totals.ignored}, bounced = bounced + ${b.bounced},
      do_not_mail = do_not_mail + ${b.doNotMail}, group_email = group_email + ${b.groupEmail},
      file_duplicate = file_duplicate + ${b.fileDuplicate}, empty_email = empty_email + ${b.emptyEmail},
      invalid_pattern = invalid_pattern + ${b.invalidPattern},
      read_count = read_count + ${page.readCount}, processed_count = processed_count + ${page.records.length},
      checkpoint = ${JSON.stringify(page.checkpoint)}::jsonb,
      high_water_mark = greatest(high_water_mark, ${page.highWaterMark?.toISOString() ?? null}::timestamptz)
    where id = ${scope.runId}`);
}
